package dev.pyforge.helper;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Encodes the rows of one read as JSON arrays, each value by its column's value type: as text, or
 * in the compact form (timestamps, floats and decimals with a scale as integers; see the
 * protocol).
 *
 * <p>This is the hot path of a read (one call per value of every row), so the column facts are
 * looked up once, into arrays, and a value is written straight into the message's UTF-8 bytes: no
 * object per row or value, and commas placed by index.
 */
final class RowEncoder {
    private final ValueType[] types;
    private final boolean[] scaled;
    private final boolean compact;

    /** An encoder for rows with {@code columns}, in the compact or the text encoding. */
    RowEncoder(List<ColumnInfo> columns, boolean compact) {
        this.types = new ValueType[columns.size()];
        this.scaled = new boolean[columns.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = columns.get(i).valueType;
            scaled[i] = columns.get(i).scale != null;
        }
        this.compact = compact;
    }

    /** Appends {@code row} to {@code sb} as one JSON array. */
    void append(JsonOut sb, Object[] row) {
        // In locals, which the compiled loop need not reload after each call.
        ValueType[] types = this.types;
        boolean[] scaled = this.scaled;
        boolean compact = this.compact;
        sb.append('[');
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = row[i];
            if (v == null) {
                sb.append("null");
                continue;
            }
            switch (types[i]) {
                case BOOLEAN:
                    sb.append(((Boolean) v).booleanValue());
                    break;
                case UINT8:
                case INT16:
                case INT32:
                case INT64:
                    sb.append(((Number) v).longValue());
                    break;
                case FLOAT32:
                    if (compact) {
                        sb.append(Float.floatToRawIntBits(((Number) v).floatValue()));
                    } else {
                        sb.float32(((Number) v).floatValue());
                    }
                    break;
                case FLOAT64:
                    if (compact) {
                        sb.append(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                    } else {
                        sb.float64(((Number) v).doubleValue());
                    }
                    break;
                case DECIMAL:
                    {
                        BigDecimal d = (BigDecimal) v;
                        if (compact && scaled[i] && d.unscaledValue().bitLength() < 64) {
                            sb.append(d.unscaledValue().longValue());
                        } else {
                            sb.string(d.toPlainString());
                        }
                    }
                    break;
                case TIMESTAMP:
                    if (compact) {
                        LocalDateTime t = (LocalDateTime) v;
                        sb.append(
                                t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000);
                    } else {
                        sb.append('"');
                        Values.isoDateTime(sb, (LocalDateTime) v);
                        sb.append('"');
                    }
                    break;
                case BINARY:
                    sb.append('"').append(Values.base64((byte[]) v)).append('"');
                    break;
                default:
                    sb.string(v.toString());
                    break;
            }
        }
        sb.append(']');
    }
}
