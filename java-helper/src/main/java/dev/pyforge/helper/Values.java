package dev.pyforge.helper;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Canonical values, shared by both engines so that they write identical rows: dates as
 * proleptic-Gregorian local date-times, decimals at the column's scale, GUIDs in one spelling,
 * Access bytes unsigned, complex values as one JSON layout.
 */
final class Values {
    private Values() {}

    /**
     * A {@link java.util.Date} (or {@link java.sql.Timestamp}) as the wall-clock time it stands
     * for. The helper runs with the default time zone set to UTC, so the Date's instant in UTC is
     * the wall clock Jackcess computed from the stored day count, without DST gaps and in the
     * proleptic Gregorian calendar (java.util.Date's own fields would switch to Julian before
     * 1582).
     */
    static LocalDateTime fromDate(java.util.Date d) {
        long millis = d.getTime();
        int nanos;
        if (d instanceof java.sql.Timestamp) {
            nanos = ((java.sql.Timestamp) d).getNanos();
        } else {
            nanos = (int) Math.floorMod(millis, 1000L) * 1_000_000;
        }
        return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L), nanos, ZoneOffset.UTC);
    }

    /** ISO-8601 without zone: {@code 2024-01-31T10:00:00}, then {@code .f} only if not zero. */
    static void isoDateTime(StringBuilder out, LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            // Outside what Access stores; keep ISO's signed expanded form.
            out.append(year < 0 ? '-' : '+');
            out.append(Math.abs(year));
        } else {
            pad(out, year, 4);
        }
        out.append('-');
        pad(out, t.getMonthValue(), 2);
        out.append('-');
        pad(out, t.getDayOfMonth(), 2);
        out.append('T');
        pad(out, t.getHour(), 2);
        out.append(':');
        pad(out, t.getMinute(), 2);
        out.append(':');
        pad(out, t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            out.append('.');
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            pad(out, nanos, digits);
        }
    }

    static String isoDateTime(LocalDateTime t) {
        StringBuilder sb = new StringBuilder(32);
        isoDateTime(sb, t);
        return sb.toString();
    }

    /** A non-negative {@code value} in at least {@code width} digits, without allocating. */
    private static void pad(StringBuilder out, int value, int width) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = digits; i < width; i++) {
            out.append('0');
        }
        int start = out.length();
        out.setLength(start + digits);
        for (int i = start + digits - 1; i >= start; i--) {
            out.setCharAt(i, (char) ('0' + value % 10));
            value /= 10;
        }
    }

    /**
     * A decimal at exactly the column's {@code scale}. Stored Currency and Decimal values always
     * have it; only calculated columns hold more digits (Access computes them at full precision)
     * and are rounded half-up to the declared scale, as Access displays them and as UCanAccess'
     * HSQLDB mirror stores them.
     */
    static BigDecimal decimal(BigDecimal d, Integer scale) {
        if (scale != null && d.scale() != scale) {
            d = d.setScale(scale, RoundingMode.HALF_UP);
        }
        return d;
    }

    /** A GUID as {@code {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}}, upper case. */
    static String guid(Object v) {
        String s = v.toString().trim();
        if (s.startsWith("{") && s.endsWith("}")) {
            s = s.substring(1, s.length() - 1);
        }
        return "{" + s.toUpperCase(Locale.ROOT) + "}";
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Any Java value the libraries hand out, as JSON: used inside complex values, where the
     * column's own type is not at hand. Bytes are unsigned, as Access stores them.
     */
    static void any(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean) {
            out.append(((Boolean) v).booleanValue());
        } else if (v instanceof Byte) {
            out.append(((Byte) v) & 0xFF);
        } else if (v instanceof Short || v instanceof Integer || v instanceof Long) {
            out.append(((Number) v).longValue());
        } else if (v instanceof Float) {
            Json.float32(out, (Float) v);
        } else if (v instanceof Double) {
            Json.float64(out, (Double) v);
        } else if (v instanceof BigDecimal) {
            Json.string(out, ((BigDecimal) v).toPlainString());
        } else if (v instanceof LocalDateTime) {
            out.append('"');
            isoDateTime(out, (LocalDateTime) v);
            out.append('"');
        } else if (v instanceof java.util.Date) {
            out.append('"');
            isoDateTime(out, fromDate((java.util.Date) v));
            out.append('"');
        } else if (v instanceof byte[]) {
            Json.string(out, base64((byte[]) v));
        } else {
            Json.string(out, v.toString());
        }
    }

    /** One attachment of an attachment column, engine-neutral. */
    static final class Attachment {
        String name;
        String type;
        String url;
        Object timeStamp;
        Integer flags;
        byte[] data;
    }

    /** One entry of a version-history column, engine-neutral. */
    static final class Version {
        String value;
        Object modified;
    }

    /**
     * Attachments as {@code [{"name":..,"type":..,"url":..,"time_stamp":..,"flags":..,
     * "data":"<base64>"}]}, in stored order.
     */
    static String attachmentsJson(List<Attachment> list) {
        StringBuilder sb = new StringBuilder();
        JsonItems items = JsonItems.array(sb);
        for (Attachment a : list) {
            items.next().append('{');
            Json.key(sb, "name", false);
            Json.stringOrNull(sb, a.name);
            Json.key(sb, "type", true);
            Json.stringOrNull(sb, a.type);
            Json.key(sb, "url", true);
            Json.stringOrNull(sb, a.url);
            Json.key(sb, "time_stamp", true);
            any(sb, a.timeStamp);
            Json.key(sb, "flags", true);
            any(sb, a.flags);
            Json.key(sb, "data", true);
            any(sb, a.data);
            sb.append('}');
        }
        items.end();
        return sb.toString();
    }

    /** Multi-value entries as a JSON array of their values, in stored order. */
    static String multiValuesJson(List<Object> values) {
        StringBuilder sb = new StringBuilder();
        JsonItems items = JsonItems.array(sb);
        for (Object v : values) {
            any(items.next(), v);
        }
        items.end();
        return sb.toString();
    }

    /**
     * Version history as {@code [{"value":..,"modified":..}]}, oldest first (ties by text), so
     * that both engines list it in one order.
     */
    static String versionsJson(List<Version> list) {
        List<Version> sorted = new ArrayList<Version>(list);
        Collections.sort(
                sorted,
                new Comparator<Version>() {
                    @Override
                    public int compare(Version a, Version b) {
                        String ma = a.modified == null ? "" : iso(a.modified);
                        String mb = b.modified == null ? "" : iso(b.modified);
                        int c = ma.compareTo(mb);
                        if (c != 0) {
                            return c;
                        }
                        String va = a.value == null ? "" : a.value;
                        String vb = b.value == null ? "" : b.value;
                        return va.compareTo(vb);
                    }
                });
        StringBuilder sb = new StringBuilder();
        JsonItems items = JsonItems.array(sb);
        for (Version v : sorted) {
            items.next().append('{');
            Json.key(sb, "value", false);
            Json.stringOrNull(sb, v.value);
            Json.key(sb, "modified", true);
            any(sb, v.modified);
            sb.append('}');
        }
        items.end();
        return sb.toString();
    }

    /** Rows of a complex column type Jackcess does not know, as objects of their fields. */
    static String unsupportedJson(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        JsonItems items = JsonItems.array(sb);
        for (Map<String, Object> row : rows) {
            items.next();
            JsonItems fields = JsonItems.object(sb);
            for (Map.Entry<String, Object> e : row.entrySet()) {
                any(fields.key(e.getKey()), e.getValue());
            }
            fields.end();
        }
        items.end();
        return sb.toString();
    }

    private static String iso(Object dateLike) {
        if (dateLike instanceof LocalDateTime) {
            return isoDateTime((LocalDateTime) dateLike);
        }
        if (dateLike instanceof java.util.Date) {
            return isoDateTime(fromDate((java.util.Date) dateLike));
        }
        return dateLike.toString();
    }
}
