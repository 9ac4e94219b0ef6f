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
    static void isoDateTime(JsonOut out, LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            // Outside what Access stores; keep ISO's signed expanded form.
            out.append(year < 0 ? '-' : '+');
            out.append(Math.abs((long) year));
        } else {
            out.digits(year, 4);
        }
        out.append('-');
        out.digits(t.getMonthValue(), 2);
        out.append('-');
        out.digits(t.getDayOfMonth(), 2);
        out.append('T');
        out.digits(t.getHour(), 2);
        out.append(':');
        out.digits(t.getMinute(), 2);
        out.append(':');
        out.digits(t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            out.append('.');
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            out.digits(nanos, digits);
        }
    }

    static String isoDateTime(LocalDateTime t) {
        JsonOut out = new JsonOut(32);
        isoDateTime(out, t);
        return out.toString();
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
    static void any(JsonOut out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean) {
            out.append(((Boolean) v).booleanValue());
        } else if (v instanceof Byte) {
            out.append(((Byte) v) & 0xFF);
        } else if (v instanceof Short || v instanceof Integer || v instanceof Long) {
            out.append(((Number) v).longValue());
        } else if (v instanceof Float) {
            out.float32((Float) v);
        } else if (v instanceof Double) {
            out.float64((Double) v);
        } else if (v instanceof BigDecimal) {
            out.string(((BigDecimal) v).toPlainString());
        } else if (v instanceof LocalDateTime) {
            out.append('"');
            isoDateTime(out, (LocalDateTime) v);
            out.append('"');
        } else if (v instanceof java.util.Date) {
            out.append('"');
            isoDateTime(out, fromDate((java.util.Date) v));
            out.append('"');
        } else if (v instanceof byte[]) {
            out.string(base64((byte[]) v));
        } else {
            out.string(v.toString());
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
        JsonOut sb = new JsonOut(256);
        JsonItems items = JsonItems.array(sb);
        for (Attachment a : list) {
            items.next().append('{');
            sb.key("name", false);
            sb.stringOrNull(a.name);
            sb.key("type", true);
            sb.stringOrNull(a.type);
            sb.key("url", true);
            sb.stringOrNull(a.url);
            sb.key("time_stamp", true);
            any(sb, a.timeStamp);
            sb.key("flags", true);
            any(sb, a.flags);
            sb.key("data", true);
            any(sb, a.data);
            sb.append('}');
        }
        items.end();
        return sb.toString();
    }

    /** Multi-value entries as a JSON array of their values, in stored order. */
    static String multiValuesJson(List<Object> values) {
        JsonOut sb = new JsonOut(256);
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
        JsonOut sb = new JsonOut(256);
        JsonItems items = JsonItems.array(sb);
        for (Version v : sorted) {
            items.next().append('{');
            sb.key("value", false);
            sb.stringOrNull(v.value);
            sb.key("modified", true);
            any(sb, v.modified);
            sb.append('}');
        }
        items.end();
        return sb.toString();
    }

    /** Rows of a complex column type Jackcess does not know, as objects of their fields. */
    static String unsupportedJson(List<Map<String, Object>> rows) {
        JsonOut sb = new JsonOut(256);
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
