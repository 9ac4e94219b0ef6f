package dev.pyforge.helper;

import java.util.List;

/**
 * Encodes the helper's protocol messages, one encoder per message type, each giving the JSON of
 * one line (without its newline). Field names and their order are the wire format that {@code
 * src/jvm/protocol.rs} specifies: a change here is a protocol change.
 *
 * <p>{@code rows} is the one message written in pieces, because its rows are encoded straight into
 * it as they are read: {@link #rowsStart}, then the rows with commas between them, then {@link
 * #rowsEnd}.
 */
final class Messages {
    private Messages() {}

    /** Protocol version; the Rust constant {@code PROTOCOL_VERSION} must be equal. */
    static final int PROTOCOL_VERSION = 1;

    /** The helper's hello, sent first: versions, the JAR-set libraries found, features. */
    static JsonOut hello(
            String helperVersion,
            String javaVersion,
            String javaVendor,
            List<Versions.Library> libraries,
            List<String> features) {
        JsonOut sb = new JsonOut(512);
        sb.append("{\"type\":\"hello\"");
        sb.key("protocol_version", true);
        sb.append(PROTOCOL_VERSION);
        sb.key("helper_version", true);
        sb.string(helperVersion);
        sb.key("java_version", true);
        sb.stringOrNull(javaVersion);
        sb.key("java_vendor", true);
        sb.stringOrNull(javaVendor);
        sb.key("jars", true);
        JsonItems jars = JsonItems.array(sb);
        for (Versions.Library lib : libraries) {
            jars.next().append('{');
            sb.key("name", false);
            sb.string(lib.name);
            sb.key("version", true);
            sb.stringOrNull(lib.version);
            sb.key("file", true);
            sb.stringOrNull(lib.file);
            sb.append('}');
        }
        jars.end();
        sb.key("features", true);
        strings(sb, features);
        return sb.append('}');
    }

    /** The answer to {@code open}: the engine that opened the file and what it found. */
    static JsonOut opened(long id, String engine, OpenInfo info) {
        JsonOut sb = start("opened", id);
        sb.key("engine", true);
        sb.string(engine);
        sb.key("file_format", true);
        sb.stringOrNull(info.fileFormat);
        sb.key("charset", true);
        sb.stringOrNull(info.charset);
        sb.key("password_protected", true);
        sb.append(info.passwordProtected);
        return sb.append('}');
    }

    /** The answer to {@code tables}; link fields only for linked tables. */
    static JsonOut tables(long id, List<TableInfo> tables) {
        JsonOut sb = start("tables", id);
        sb.key("tables", true);
        JsonItems items = JsonItems.array(sb);
        for (TableInfo t : tables) {
            items.next().append('{');
            sb.key("name", false);
            sb.string(t.name);
            sb.key("kind", true);
            sb.string(t.kind);
            if (t.linkedDb != null || TableInfo.LINKED.equals(t.kind)) {
                sb.key("linked_db", true);
                sb.stringOrNull(t.linkedDb);
                sb.key("linked_table", true);
                sb.stringOrNull(t.linkedTable);
                sb.key("target_missing", true);
                sb.append(Boolean.TRUE.equals(t.targetMissing));
            }
            sb.append('}');
        }
        items.end();
        return sb.append('}');
    }

    /** The answer to {@code schema}: the table's stated row count and its columns. */
    static JsonOut schema(long id, Engine.TableSchema s) {
        JsonOut sb = start("schema", id);
        sb.key("table", true);
        sb.string(s.name);
        sb.key("row_count", true);
        sb.append(s.rowCount);
        sb.key("columns", true);
        JsonItems items = JsonItems.array(sb);
        for (ColumnInfo c : s.columns) {
            column(items.next(), c);
        }
        items.end();
        return sb.append('}');
    }

    /** One column of a {@code schema} answer; unknown optional fields are left out. */
    private static void column(JsonOut sb, ColumnInfo c) {
        sb.append('{');
        sb.key("name", false);
        sb.string(c.name);
        sb.key("access_type", true);
        sb.string(c.accessType);
        sb.key("sql_type", true);
        sb.stringOrNull(c.sqlType);
        sb.key("value_type", true);
        sb.string(c.valueType.wire);
        optionalInt(sb, "size", c.size);
        optionalInt(sb, "precision", c.precision);
        optionalInt(sb, "scale", c.scale);
        if (c.nullable != null) {
            sb.key("nullable", true);
            sb.append(c.nullable.booleanValue());
        }
        sb.key("auto_number", true);
        sb.append(c.autoNumber);
        sb.key("calculated", true);
        sb.append(c.calculated);
        if (c.complexType != null) {
            sb.key("complex_type", true);
            sb.string(c.complexType);
        }
        sb.append('}');
    }

    private static void optionalInt(JsonOut sb, String key, Integer value) {
        if (value != null) {
            sb.key(key, true);
            sb.append(value.intValue());
        }
    }

    /**
     * Starts a {@code rows} message in {@code sb}, which is cleared first (the read reuses one
     * builder for all its batches). The rows follow, each a JSON array, separated by commas.
     */
    static void rowsStart(JsonOut sb, long id) {
        sb.clear();
        sb.append("{\"type\":\"rows\",\"id\":").append(id).append(",\"rows\":[");
    }

    /** Ends the {@code rows} message that {@link #rowsStart} began. */
    static void rowsEnd(JsonOut sb) {
        sb.append("]}");
    }

    /** The end of a read: rows sent, the row count the file states, whether it was cancelled. */
    static JsonOut readEnd(long id, long rowsSent, long rowCount, boolean cancelled) {
        JsonOut sb = start("read_end", id);
        sb.key("rows_sent", true);
        sb.append(rowsSent);
        sb.key("row_count", true);
        sb.append(rowCount);
        sb.key("cancelled", true);
        sb.append(cancelled);
        return sb.append('}');
    }

    /** The answer to {@code close}. */
    static JsonOut closed(long id) {
        return start("closed", id).append('}');
    }

    /** The answer to {@code bye}, the helper's last message. */
    static JsonOut bye(long id) {
        return start("bye", id).append('}');
    }

    /**
     * An error: its kind, its message (the kind when there is none) and, when {@code t} is
     * given, the class names of it and its causes. {@code id} is null when the request had none.
     */
    static JsonOut error(Long id, String kind, String message, Throwable t) {
        JsonOut sb = new JsonOut(256);
        sb.append("{\"type\":\"error\",\"id\":");
        if (id == null) {
            sb.append("null");
        } else {
            sb.append(id.longValue());
        }
        sb.key("kind", true);
        sb.string(kind);
        sb.key("message", true);
        sb.string(message == null ? kind : message);
        if (t != null) {
            List<String> names = Errors.classNames(t);
            if (!names.isEmpty()) {
                sb.key("exceptions", true);
                strings(sb, names);
            }
        }
        return sb.append('}');
    }

    /** {@code list} as a JSON array of strings. */
    private static void strings(JsonOut sb, List<String> list) {
        JsonItems items = JsonItems.array(sb);
        for (String s : list) {
            items.next().string(s);
        }
        items.end();
    }

    /** The opening of a reply to request {@code id}: its type and id, the object left open. */
    private static JsonOut start(String type, long id) {
        JsonOut sb = new JsonOut(256);
        sb.append("{\"type\":\"").append(type).append("\",\"id\":").append(id);
        return sb;
    }
}
