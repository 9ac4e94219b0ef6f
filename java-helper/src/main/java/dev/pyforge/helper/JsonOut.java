package dev.pyforge.helper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JSON text being written, held as its UTF-8 bytes: what the helper sends is encoded once, as
 * it is written, and goes to the pipe as it stands (no {@code String}, no second pass).
 *
 * <p>{@link #string} writes a JSON string literal: it escapes {@code "}, {@code \} and every
 * control character below U+0020; valid surrogate pairs become one four-byte character; a lone
 * surrogate, which no UTF-8 reader accepts, becomes U+FFFD. {@link #append(String)} writes text
 * as it is (names, numbers, literals), with the same care for surrogates.
 *
 * <p>The rows of a read are written here value by value (the hot path): numbers go in as digits
 * without an intermediate {@code String}, and each write makes room once.
 */
final class JsonOut {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LONG_MIN =
            Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    /** 10^0 .. 10^18: {@code POWERS_OF_TEN[n]} is the smallest number of n + 1 digits. */
    private static final long[] POWERS_OF_TEN = new long[19];
    /** The tens and the ones digit of 0..99. */
    private static final byte[] DIGIT_TENS = new byte[100];
    private static final byte[] DIGIT_ONES = new byte[100];

    static {
        long power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = power;
            power *= 10;
        }
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (byte) ('0' + i / 10);
            DIGIT_ONES[i] = (byte) ('0' + i % 10);
        }
    }

    /** Most bytes one UTF-16 char can need in a string literal: a six-byte escape. */
    private static final int MAX_BYTES_PER_CHAR = 6;

    private byte[] bytes;
    private int length;

    JsonOut(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** Bytes written so far. */
    int length() {
        return length;
    }

    /** Forgets what was written; the room stays. */
    void clear() {
        length = 0;
    }

    /** Writes the bytes, then a newline, to {@code out}. */
    void writeLineTo(OutputStream out) throws IOException {
        room(1);
        bytes[length] = '\n';
        out.write(bytes, 0, length + 1);
    }

    /** The text written, decoded. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Writes one char (a lone surrogate as U+FFFD). */
    JsonOut append(char c) {
        room(3);
        put(c);
        return this;
    }

    /** Writes {@code s} as it is, UTF-8 encoded. */
    JsonOut append(String s) {
        int n = s.length();
        room(3L * n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                i = putNonAscii(s, i, c);
            }
        }
        return this;
    }

    JsonOut append(boolean b) {
        return append(b ? "true" : "false");
    }

    JsonOut append(int v) {
        return append((long) v);
    }

    /**
     * Writes {@code v} in decimal, as {@link Long#toString(long)} would: two digits per division,
     * from the end, after counting them by comparison.
     */
    JsonOut append(long v) {
        if (v == Long.MIN_VALUE) {
            room(LONG_MIN.length);
            System.arraycopy(LONG_MIN, 0, bytes, length, LONG_MIN.length);
            length += LONG_MIN.length;
            return this;
        }
        room(20);
        if (v < 0) {
            bytes[length++] = '-';
            v = -v;
        }
        int digits = 1;
        while (digits < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[digits]) {
            digits++;
        }
        byte[] b = bytes;
        int at = length + digits;
        length = at;
        while (v >= 100) {
            int pair = (int) (v % 100);
            v /= 100;
            b[--at] = DIGIT_ONES[pair];
            b[--at] = DIGIT_TENS[pair];
        }
        int last = (int) v;
        b[--at] = DIGIT_ONES[last];
        if (last >= 10) {
            b[--at] = DIGIT_TENS[last];
        }
        return this;
    }

    /** Writes a non-negative {@code value} in at least {@code width} digits, zero-padded. */
    JsonOut digits(int value, int width) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int n = Math.max(digits, width);
        room(n);
        int at = length + n;
        int end = at;
        for (int i = 0; i < digits; i++) {
            bytes[--at] = (byte) ('0' + value % 10);
            value /= 10;
        }
        while (at > length) {
            bytes[--at] = '0';
        }
        length = end;
        return this;
    }

    /** Writes {@code s} as a JSON string literal, quotes included. */
    JsonOut string(String s) {
        int n = s.length();
        room((long) MAX_BYTES_PER_CHAR * n + 2);
        byte[] b = bytes;
        int at = length;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                b[at++] = (byte) c;
                continue;
            }
            switch (c) {
                case '"':
                case '\\':
                    b[at++] = '\\';
                    b[at++] = (byte) c;
                    break;
                case '\n':
                    b[at++] = '\\';
                    b[at++] = 'n';
                    break;
                case '\r':
                    b[at++] = '\\';
                    b[at++] = 'r';
                    break;
                case '\t':
                    b[at++] = '\\';
                    b[at++] = 't';
                    break;
                case '\b':
                    b[at++] = '\\';
                    b[at++] = 'b';
                    break;
                case '\f':
                    b[at++] = '\\';
                    b[at++] = 'f';
                    break;
                default:
                    if (c < 0x20) {
                        b[at++] = '\\';
                        b[at++] = 'u';
                        b[at++] = '0';
                        b[at++] = '0';
                        b[at++] = HEX[c >> 4];
                        b[at++] = HEX[c & 0xF];
                    } else {
                        length = at;
                        i = putNonAscii(s, i, c);
                        at = length;
                    }
            }
        }
        b[at++] = '"';
        length = at;
        return this;
    }

    /** Writes {@code s} as a JSON string literal, or {@code null}. */
    JsonOut stringOrNull(String s) {
        return s == null ? append("null") : string(s);
    }

    /**
     * A float as the protocol writes it: a JSON number, or the strings {@code "NaN"}, {@code
     * "Infinity"}, {@code "-Infinity"}. {@link Float#toString} gives enough digits to read the
     * same float back.
     */
    JsonOut float32(float f) {
        if (Float.isNaN(f)) {
            return append("\"NaN\"");
        }
        if (Float.isInfinite(f)) {
            return append(f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        }
        return append(Float.toString(f));
    }

    /** A double as {@link #float32} writes a float. */
    JsonOut float64(double d) {
        if (Double.isNaN(d)) {
            return append("\"NaN\"");
        }
        if (Double.isInfinite(d)) {
            return append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        }
        return append(Double.toString(d));
    }

    /** Writes {@code ,"name":} (the comma only when {@code comma}). */
    JsonOut key(String name, boolean comma) {
        if (comma) {
            append(',');
        }
        return string(name).append(':');
    }

    /**
     * The non-ASCII char {@code c} at {@code i} of {@code s}, with room made: a valid surrogate
     * pair as one four-byte character, a lone surrogate as U+FFFD. Returns the index of the last
     * char used.
     */
    private int putNonAscii(CharSequence s, int i, char c) {
        if (Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(i + 1));
            bytes[length++] = (byte) (0xF0 | (cp >> 18));
            bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (cp & 0x3F));
            return i + 1;
        }
        put(c);
        return i;
    }

    /** One char that is not part of a pair, room made. */
    private void put(char c) {
        if (c < 0x80) {
            bytes[length++] = (byte) c;
        } else if (c < 0x800) {
            bytes[length++] = (byte) (0xC0 | (c >> 6));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
        } else {
            if (Character.isSurrogate(c)) {
                c = '\uFFFD';
            }
            bytes[length++] = (byte) (0xE0 | (c >> 12));
            bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    /** Makes room for {@code n} more bytes. */
    private void room(long n) {
        long needed = length + n;
        if (needed > bytes.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new OutOfMemoryError("a message of more than 2 GiB");
            }
            byte[] grown = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(2L * bytes.length, needed))];
            System.arraycopy(bytes, 0, grown, 0, length);
            bytes = grown;
        }
    }
}
