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
    static StringBuilder hello(
            String helperVersion,
            String javaVersion,
            String javaVendor,
            List<Versions.Library> libraries,
            List<String> features) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"type\":\"hello\"");
        Json.key(sb, "protocol_version", true);
        sb.append(PROTOCOL_VERSION);
        Json.key(sb, "helper_version", true);
        Json.string(sb, helperVersion);
        Json.key(sb, "java_version", true);
        Json.stringOrNull(sb, javaVersion);
        Json.key(sb, "java_vendor", true);
        Json.stringOrNull(sb, javaVendor);
        Json.key(sb, "jars", true);
        JsonItems jars = JsonItems.array(sb);
        for (Versions.Library lib : libraries) {
            jars.next().append('{');
            Json.key(sb, "name", false);
            Json.string(sb, lib.name);
            Json.key(sb, "version", true);
            Json.stringOrNull(sb, lib.version);
            Json.key(sb, "file", true);
            Json.stringOrNull(sb, lib.file);
            sb.append('}');
        }
        jars.end();
        Json.key(sb, "features", true);
        strings(sb, features);
        return sb.append('}');
    }

    /** The answer to {@code open}: the engine that opened the file and what it found. */
    static StringBuilder opened(long id, String engine, OpenInfo info) {
        StringBuilder sb = start("opened", id);
        Json.key(sb, "engine", true);
        Json.string(sb, engine);
        Json.key(sb, "file_format", true);
        Json.stringOrNull(sb, info.fileFormat);
        Json.key(sb, "charset", true);
        Json.stringOrNull(sb, info.charset);
        Json.key(sb, "password_protected", true);
        sb.append(info.passwordProtected);
        return sb.append('}');
    }

    /** The answer to {@code tables}; link fields only for linked tables. */
    static StringBuilder tables(long id, List<TableInfo> tables) {
        StringBuilder sb = start("tables", id);
        Json.key(sb, "tables", true);
        JsonItems items = JsonItems.array(sb);
        for (TableInfo t : tables) {
            items.next().append('{');
            Json.key(sb, "name", false);
            Json.string(sb, t.name);
            Json.key(sb, "kind", true);
            Json.string(sb, t.kind);
            if (t.linkedDb != null || TableInfo.LINKED.equals(t.kind)) {
                Json.key(sb, "linked_db", true);
                Json.stringOrNull(sb, t.linkedDb);
                Json.key(sb, "linked_table", true);
                Json.stringOrNull(sb, t.linkedTable);
                Json.key(sb, "target_missing", true);
                sb.append(Boolean.TRUE.equals(t.targetMissing));
            }
            sb.append('}');
        }
        items.end();
        return sb.append('}');
    }

    /** The answer to {@code schema}: the table's stated row count and its columns. */
    static StringBuilder schema(long id, Engine.TableSchema s) {
        StringBuilder sb = start("schema", id);
        Json.key(sb, "table", true);
        Json.string(sb, s.name);
        Json.key(sb, "row_count", true);
        sb.append(s.rowCount);
        Json.key(sb, "columns", true);
        JsonItems items = JsonItems.array(sb);
        for (ColumnInfo c : s.columns) {
            column(items.next(), c);
        }
        items.end();
        return sb.append('}');
    }

    /** One column of a {@code schema} answer; unknown optional fields are left out. */
    private static void column(StringBuilder sb, ColumnInfo c) {
        sb.append('{');
        Json.key(sb, "name", false);
        Json.string(sb, c.name);
        Json.key(sb, "access_type", true);
        Json.string(sb, c.accessType);
        Json.key(sb, "sql_type", true);
        Json.stringOrNull(sb, c.sqlType);
        Json.key(sb, "value_type", true);
        Json.string(sb, c.valueType.wire);
        optionalInt(sb, "size", c.size);
        optionalInt(sb, "precision", c.precision);
        optionalInt(sb, "scale", c.scale);
        if (c.nullable != null) {
            Json.key(sb, "nullable", true);
            sb.append(c.nullable.booleanValue());
        }
        Json.key(sb, "auto_number", true);
        sb.append(c.autoNumber);
        Json.key(sb, "calculated", true);
        sb.append(c.calculated);
        if (c.complexType != null) {
            Json.key(sb, "complex_type", true);
            Json.string(sb, c.complexType);
        }
        sb.append('}');
    }

    private static void optionalInt(StringBuilder sb, String key, Integer value) {
        if (value != null) {
            Json.key(sb, key, true);
            sb.append(value.intValue());
        }
    }

    /**
     * Starts a {@code rows} message in {@code sb}, which is cleared first (the read reuses one
     * builder for all its batches). The rows follow, each a JSON array, separated by commas.
     */
    static void rowsStart(StringBuilder sb, long id) {
        sb.setLength(0);
        sb.append("{\"type\":\"rows\",\"id\":").append(id).append(",\"rows\":[");
    }

    /** Ends the {@code rows} message that {@link #rowsStart} began. */
    static void rowsEnd(StringBuilder sb) {
        sb.append("]}");
    }

    /** The end of a read: rows sent, the row count the file states, whether it was cancelled. */
    static StringBuilder readEnd(long id, long rowsSent, long rowCount, boolean cancelled) {
        StringBuilder sb = start("read_end", id);
        Json.key(sb, "rows_sent", true);
        sb.append(rowsSent);
        Json.key(sb, "row_count", true);
        sb.append(rowCount);
        Json.key(sb, "cancelled", true);
        sb.append(cancelled);
        return sb.append('}');
    }

    /** The answer to {@code close}. */
    static StringBuilder closed(long id) {
        return start("closed", id).append('}');
    }

    /** The answer to {@code bye}, the helper's last message. */
    static StringBuilder bye(long id) {
        return start("bye", id).append('}');
    }

    /**
     * An error: its kind, its message (the kind when there is none) and, when {@code t} is
     * given, the class names of it and its causes. {@code id} is null when the request had none.
     */
    static StringBuilder error(Long id, String kind, String message, Throwable t) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"type\":\"error\",\"id\":").append(id == null ? "null" : id.toString());
        Json.key(sb, "kind", true);
        Json.string(sb, kind);
        Json.key(sb, "message", true);
        Json.string(sb, message == null ? kind : message);
        if (t != null) {
            List<String> names = Errors.classNames(t);
            if (!names.isEmpty()) {
                Json.key(sb, "exceptions", true);
                strings(sb, names);
            }
        }
        return sb.append('}');
    }

    /** {@code list} as a JSON array of strings. */
    private static void strings(StringBuilder sb, List<String> list) {
        JsonItems items = JsonItems.array(sb);
        for (String s : list) {
            Json.string(items.next(), s);
        }
        items.end();
    }

    /** The opening of a reply to request {@code id}: its type and id, the object left open. */
    private static StringBuilder start(String type, long id) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"type\":\"").append(type).append("\",\"id\":").append(id);
        return sb;
    }
}
