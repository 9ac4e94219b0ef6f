package dev.pyforge.helper;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Access Date/Time values from their stored bits, exactly as Jackcess' {@code LOCAL_DATE_TIME}
 * mode turns them into a {@link LocalDateTime} ({@code ColumnImpl.ldtFromLocalDateDouble}), but
 * without the {@code new BigDecimal(double)} that mode rounds every value through: on a table with
 * a date column that rounding is a quarter of the reading thread.
 *
 * <p>The bits come from the {@code java.util.Date} Jackcess gives in its {@code DATE} mode: a
 * package-private {@code DateExt} that keeps them ({@code getDateBits}). When that class is not
 * there (another Jackcess), {@link #available} is false and the engine stays in {@code
 * LOCAL_DATE_TIME} mode.
 *
 * <p>The arithmetic is Jackcess': the whole days, the seconds of the day's fraction (always a
 * positive fraction, even for days before 1899-12-30), and their own fraction rounded half-even
 * to milliseconds. The rounding is done on the double's exact binary value with integers, which
 * gives what {@code BigDecimal} gives. Values far outside Access' years 100 to 9999 take Jackcess'
 * own function, so that what it would refuse is refused alike. The test fixture {@code CheckDates}
 * compares the two on millions of values, half-millisecond ties included.
 */
public final class AccessDates {
    private AccessDates() {}

    /** {@code DateExt.getDateBits}, as {@code (Object) -> long}; null when not found. */
    private static final MethodHandle DATE_BITS = dateBits();
    /** {@code DateExt}, or null. */
    private static final Class<?> DATE_EXT = DATE_BITS == null ? null : dateExtClass();

    private static final long SECONDS_PER_DAY = 86_400L;
    /** 1899-12-30T00:00, Access' day zero, in seconds since 1970-01-01T00:00. */
    private static final long DAY_ZERO_EPOCH_SECONDS = -2_209_161_600L;
    /** Beyond this many days (year 29,000 or so) Jackcess' own function answers. */
    private static final double FAST_DAYS = 10_000_000d;

    /** Whether stored bits can be read (Jackcess' {@code DateExt} is there). */
    static boolean available() {
        return DATE_BITS != null;
    }

    /**
     * {@code v} as a {@link LocalDateTime} when it is a date Jackcess read in {@code DATE} mode;
     * null otherwise.
     */
    static LocalDateTime fromStored(Object v) {
        if (DATE_EXT == null || v == null || v.getClass() != DATE_EXT) {
            return null;
        }
        long bits;
        try {
            bits = (long) DATE_BITS.invokeExact(v);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read a date's stored bits", t);
        }
        return localDateTime(Double.longBitsToDouble(bits));
    }

    /** {@code v} as {@link #fromStored} reads it, or {@code v} itself when it is no stored date. */
    static Object orSelf(Object v) {
        LocalDateTime stored = fromStored(v);
        return stored != null ? stored : v;
    }

    /** {@code ColumnImpl.ldtFromLocalDateDouble(value)}, computed without BigDecimal. */
    public static LocalDateTime localDateTime(double value) {
        if (!(Math.abs(value) < FAST_DAYS)) {
            return com.healthmarketscience.jackcess.impl.ColumnImpl.ldtFromLocalDateDouble(value);
        }
        long dateSeconds = ((long) value) * SECONDS_PER_DAY;
        double secondsDouble = (Math.abs(value) % 1.0d) * SECONDS_PER_DAY;
        long timeSeconds = (long) secondsDouble;
        long timeMillis = (long) (roundToMillis(secondsDouble % 1.0d) * 1000.0d);
        long seconds = DAY_ZERO_EPOCH_SECONDS + dateSeconds + timeSeconds + timeMillis / 1000;
        int nanos = (int) (timeMillis % 1000) * 1_000_000;
        return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
    }

    /**
     * {@code new BigDecimal(x).setScale(3, HALF_EVEN).doubleValue()} for {@code 0 <= x < 1}: the
     * exact value of {@code x} is {@code m * 2^e}; {@code m * 1000} fits in a long, so the
     * thousandths and the remainder are exact.
     */
    static double roundToMillis(double x) {
        if (x == 0d) {
            return x;
        }
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) ((bits >>> 52) & 0x7FF);
        long mantissa = bits & ((1L << 52) - 1);
        int shift;
        if (exponent == 0) {
            shift = 1074; // subnormal: m * 2^-1074
        } else {
            mantissa |= 1L << 52;
            shift = 1075 - exponent;
        }
        long scaled = mantissa * 1000L; // below 2^63: m < 2^53, 1000 < 2^10
        if (shift >= 64) {
            return 0d; // below half a thousandth
        }
        long thousandths = scaled >>> shift;
        long remainder = scaled & ((1L << shift) - 1);
        long half = 1L << (shift - 1);
        if (remainder > half || (remainder == half && (thousandths & 1) == 1)) {
            thousandths++;
        }
        return thousandths / 1000.0d;
    }

    private static Class<?> dateExtClass() {
        try {
            return Class.forName("com.healthmarketscience.jackcess.impl.ColumnImpl$DateExt");
        } catch (Throwable t) {
            return null;
        }
    }

    private static MethodHandle dateBits() {
        try {
            Class<?> c = dateExtClass();
            if (c == null) {
                return null;
            }
            Method m = c.getMethod("getDateBits");
            m.setAccessible(true);
            return MethodHandles.lookup()
                    .unreflect(m)
                    .asType(MethodType.methodType(long.class, Object.class));
        } catch (Throwable t) {
            return null;
        }
    }
}
