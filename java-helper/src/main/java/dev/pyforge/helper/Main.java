package dev.pyforge.helper;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The pyforge Java helper: reads Access databases for the Rust supervisor, speaking protocol v1
 * (JSON lines over stdin and stdout; the Rust module {@code src/jvm/protocol.rs} specifies it).
 *
 * <p>stdout carries protocol messages only: the real stdout is kept for them and {@code
 * System.out} is pointed at stderr before any library loads, so nothing a library prints can
 * break a message. Logs go to stderr.
 *
 * <p>A reader thread takes request lines from stdin. It handles {@code cancel} itself (a read in
 * progress checks the flag) and queues everything else for the request thread, which answers one
 * request at a time. When stdin closes, the helper exits at once, whatever it was doing: the
 * supervisor is gone or wants it gone, and no JVM may outlive pyforge.
 *
 * <p>Exit codes: 0 after {@code bye} or end of input; 2 when the supervisor speaks another
 * protocol version; 3 after an out-of-memory error (reported first when possible).
 */
public final class Main {
    /** Protocol version; the Rust constant {@code PROTOCOL_VERSION} must be equal. */
    static final int PROTOCOL_VERSION = 1;

    static final int DEFAULT_BATCH_ROWS = 1000;
    static final int MAX_BATCH_ROWS = 100_000;

    /** A batch is sent early once its JSON passes this many characters. */
    static final int BATCH_CHARS = 4 << 20;

    /** The Jet3 (Access 97) charset when the JVM was not given one: Access' Western default. */
    static final String JET3_CHARSET_PROPERTY = "com.healthmarketscience.jackcess.charset.VERSION_3";

    private static final Object EOF = new Object();

    /**
     * The root of java.util.logging, where Jackcess (through commons-logging) and HSQLDB log. Set
     * to WARNING: HSQLDB logs every checkpoint of UCanAccess' mirror at INFO, and only warnings
     * are worth a place in the supervisor's stderr buffer. Held here because java.util.logging
     * keeps loggers weakly.
     */
    private static final java.util.logging.Logger ROOT_LOG =
            java.util.logging.Logger.getLogger("");

    private final Output out;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<Object>();
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private final List<Versions.Library> libraries;
    private boolean greeted;
    private Engine engine;
    private String engineName;

    private Main(Output out) {
        this.out = out;
        this.libraries = Versions.libraries();
    }

    public static void main(String[] args) {
        Output out =
                new Output(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        System.setOut(System.err);
        // Dates must not depend on the machine's zone: UCanAccess hands them out as
        // java.util.Date, and Values.fromDate reads those in UTC.
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        // HSQLDB would otherwise reset java.util.logging to its own defaults.
        System.setProperty("hsqldb.reconfig_logging", "false");
        ROOT_LOG.setLevel(java.util.logging.Level.WARNING);
        if (System.getProperty(JET3_CHARSET_PROPERTY) == null) {
            System.setProperty(JET3_CHARSET_PROPERTY, "windows-1252");
        }
        try {
            Main main = new Main(out);
            main.hello();
            main.startReader();
            main.loop();
        } catch (OutOfMemoryError e) {
            exitOutOfMemory(out, null, e);
        } catch (Throwable t) {
            log("fatal: " + t);
            t.printStackTrace();
            System.exit(1);
        }
    }

    static void log(String message) {
        System.err.println("pyforge-helper: " + message);
        System.err.flush();
    }

    private void hello() throws IOException {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"type\":\"hello\"");
        Json.key(sb, "protocol_version", true);
        sb.append(PROTOCOL_VERSION);
        Json.key(sb, "helper_version", true);
        Json.string(sb, Versions.helperVersion());
        Json.key(sb, "java_version", true);
        Json.stringOrNull(sb, System.getProperty("java.version"));
        Json.key(sb, "java_vendor", true);
        Json.stringOrNull(sb, System.getProperty("java.vendor"));
        Json.key(sb, "jars", true);
        sb.append('[');
        boolean first = true;
        for (Versions.Library lib : libraries) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('{');
            Json.key(sb, "name", false);
            Json.string(sb, lib.name);
            Json.key(sb, "version", true);
            Json.stringOrNull(sb, lib.version);
            Json.key(sb, "file", true);
            Json.stringOrNull(sb, lib.file);
            sb.append('}');
        }
        sb.append(']');
        Json.key(sb, "features", true);
        sb.append('[');
        first = true;
        for (String f : features()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.string(sb, f);
        }
        sb.append("]}");
        out.line(sb);
    }

    private String[] features() {
        boolean jackcess = Versions.has(libraries, "jackcess");
        boolean ucanaccess =
                jackcess && Versions.has(libraries, "ucanaccess") && Versions.has(libraries, "hsqldb");
        java.util.ArrayList<String> f = new java.util.ArrayList<String>();
        if (jackcess) {
            f.add("engine_jackcess");
        }
        if (ucanaccess) {
            f.add("engine_ucanaccess");
        }
        f.add("cancel");
        f.add("compact_values");
        return f.toArray(new String[0]);
    }

    // ---- input ----

    /** A request line that did not parse; answered in order by the request thread. */
    private static final class BadLine {
        final Long id;
        final String message;

        BadLine(Long id, String message) {
            this.id = id;
            this.message = message;
        }
    }

    private void startReader() {
        Thread t =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                readInput();
                            }
                        },
                        "pyforge-stdin");
        t.setDaemon(true);
        t.start();
    }

    private void readInput() {
        try {
            readLines();
        } catch (OutOfMemoryError e) {
            exitOutOfMemory(out, null, e);
        } catch (Throwable t) {
            // Without this thread nobody would notice the end of stdin.
            log("the stdin reader failed: " + t);
            haltSoon(1);
        }
    }

    private void readLines() {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().isEmpty()) {
                    continue;
                }
                Object parsed;
                try {
                    parsed = Json.parse(line);
                } catch (Json.ParseException e) {
                    queue.add(new BadLine(null, e.getMessage()));
                    continue;
                }
                if (!(parsed instanceof Map)) {
                    queue.add(new BadLine(null, "a request must be a JSON object"));
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> req = (Map<String, Object>) parsed;
                if ("cancel".equals(req.get("type"))) {
                    Object target = req.get("target");
                    if (target instanceof Long) {
                        cancelled.add((Long) target);
                    } else {
                        queue.add(new BadLine(idOf(req), "cancel needs a numeric 'target'"));
                    }
                    continue;
                }
                queue.add(req);
            }
        } catch (IOException e) {
            log("reading stdin failed: " + e);
        }
        queue.add(EOF);
        // stdin closed: leave now, even in the middle of a request.
        log("stdin closed, exiting");
        haltSoon(0);
    }

    /** Exits with {@code code}; if shutdown hooks hang, halts after two seconds. */
    private static void haltSoon(final int code) {
        Thread watchdog =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                try {
                                    Thread.sleep(2000);
                                } catch (InterruptedException ignored) {
                                    // halting anyway
                                }
                                Runtime.getRuntime().halt(code);
                            }
                        },
                        "pyforge-exit");
        watchdog.setDaemon(true);
        watchdog.start();
        System.exit(code);
    }

    private static Long idOf(Map<String, Object> req) {
        Object id = req.get("id");
        return id instanceof Long ? (Long) id : null;
    }

    // ---- requests ----

    private void loop() throws Exception {
        while (true) {
            Object item = queue.take();
            if (item == EOF) {
                return;
            }
            if (item instanceof BadLine) {
                BadLine bad = (BadLine) item;
                error(bad.id, Errors.BAD_REQUEST, bad.message, null);
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> req = (Map<String, Object>) item;
            Long id = idOf(req);
            try {
                handle(req, id);
            } catch (OutOfMemoryError e) {
                closeEngine();
                exitOutOfMemory(out, id, e);
            } catch (Throwable t) {
                String kind = Errors.classify(t);
                if (Errors.OUT_OF_MEMORY.equals(kind)) {
                    closeEngine();
                    exitOutOfMemory(out, id, t);
                }
                if (!(t instanceof HelperException)) {
                    log("request " + id + " failed: " + t);
                    if (Errors.INTERNAL.equals(kind)) {
                        t.printStackTrace();
                    }
                }
                error(id, kind, Errors.describe(t, kind), t);
            }
        }
    }

    private void handle(Map<String, Object> req, Long id) throws Exception {
        Object type = req.get("type");
        if (!(type instanceof String)) {
            throw new HelperException(Errors.BAD_REQUEST, "a request needs a string 'type'");
        }
        if ("hello".equals(type)) {
            clientHello(req);
            return;
        }
        if (!greeted) {
            throw new HelperException(Errors.BAD_REQUEST, "the first request must be hello");
        }
        if (id == null) {
            throw new HelperException(Errors.BAD_REQUEST, "a request needs a numeric 'id'");
        }
        switch ((String) type) {
            case "open":
                open(req, id);
                break;
            case "tables":
                tables(id);
                break;
            case "schema":
                schema(id, requiredString(req, "table"));
                break;
            case "read":
                read(req, id);
                break;
            case "close":
                closeEngine();
                ack("closed", id);
                break;
            case "bye":
                closeEngine();
                ack("bye", id);
                log("bye");
                haltSoon(0);
                break;
            default:
                throw new HelperException(Errors.BAD_REQUEST, "unknown request type '" + type + "'");
        }
    }

    private void clientHello(Map<String, Object> req) throws IOException {
        Object version = req.get("protocol_version");
        if (!(version instanceof Long) || ((Long) version) != PROTOCOL_VERSION) {
            error(
                    null,
                    Errors.BAD_REQUEST,
                    "protocol version mismatch: pyforge speaks "
                            + version
                            + ", this helper speaks "
                            + PROTOCOL_VERSION,
                    null);
            haltSoon(2);
        }
        greeted = true;
        Object client = req.get("client");
        log("hello from " + (client == null ? "an unnamed client" : client));
    }

    private void open(Map<String, Object> req, long id) throws Exception {
        if (engine != null) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "a database is already open; close it first");
        }
        String path = requiredString(req, "path");
        String name = optionalString(req, "engine");
        if (name == null) {
            name = "jackcess";
        }
        String password = optionalString(req, "password");
        String charset = optionalString(req, "charset");
        String mirror = optionalString(req, "mirror");
        if (mirror == null) {
            mirror = "memory";
        }
        if (!mirror.equals("memory") && !mirror.equals("disk")) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "mirror must be 'memory' or 'disk', not '" + mirror + "'");
        }
        Engine e;
        if (name.equals("jackcess")) {
            if (!Versions.has(libraries, "jackcess")) {
                throw new HelperException(Errors.INTERNAL, "jackcess is not on the classpath");
            }
            e = new JackcessEngine();
        } else if (name.equals("ucanaccess")) {
            if (!Versions.has(libraries, "ucanaccess") || !Versions.has(libraries, "hsqldb")) {
                throw new HelperException(
                        Errors.INTERNAL, "ucanaccess or hsqldb is not on the classpath");
            }
            e = new UcanaccessEngine();
        } else {
            throw new HelperException(Errors.BAD_REQUEST, "unknown engine '" + name + "'");
        }
        long start = System.nanoTime();
        OpenInfo info = e.open(path, password, charset, mirror);
        engine = e;
        engineName = name;
        log("opened with " + name + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        StringBuilder sb = start("opened", id);
        Json.key(sb, "engine", true);
        Json.string(sb, name);
        Json.key(sb, "file_format", true);
        Json.stringOrNull(sb, info.fileFormat);
        Json.key(sb, "charset", true);
        Json.stringOrNull(sb, info.charset);
        Json.key(sb, "password_protected", true);
        sb.append(info.passwordProtected);
        sb.append('}');
        out.line(sb);
    }

    private Engine engine() throws HelperException {
        if (engine == null) {
            throw new HelperException(Errors.BAD_REQUEST, "no database is open");
        }
        return engine;
    }

    private void tables(long id) throws Exception {
        List<TableInfo> tables = engine().tables();
        StringBuilder sb = start("tables", id);
        Json.key(sb, "tables", true);
        sb.append('[');
        boolean first = true;
        for (TableInfo t : tables) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('{');
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
        sb.append("]}");
        out.line(sb);
    }

    private void schema(long id, String table) throws Exception {
        Engine.TableSchema s = engine().schema(table);
        StringBuilder sb = start("schema", id);
        Json.key(sb, "table", true);
        Json.string(sb, s.name);
        Json.key(sb, "row_count", true);
        sb.append(s.rowCount);
        Json.key(sb, "columns", true);
        sb.append('[');
        boolean first = true;
        for (ColumnInfo c : s.columns) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            column(sb, c);
        }
        sb.append("]}");
        out.line(sb);
    }

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

    private void read(Map<String, Object> req, long id) throws Exception {
        String table = requiredString(req, "table");
        long batchRows = optionalLong(req, "batch_rows", DEFAULT_BATCH_ROWS);
        if (batchRows < 1 || batchRows > MAX_BATCH_ROWS) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "batch_rows must be between 1 and " + MAX_BATCH_ROWS);
        }
        long limit = optionalLong(req, "limit", -1);
        if (req.get("limit") != null && limit < 0) {
            throw new HelperException(Errors.BAD_REQUEST, "limit must not be negative");
        }
        String values = optionalString(req, "values");
        if (values != null && !values.equals("text") && !values.equals("compact")) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "values must be 'text' or 'compact', not '" + values + "'");
        }
        boolean compact = "compact".equals(values);
        long start = System.nanoTime();
        long sent = 0;
        boolean wasCancelled = false;
        Engine.RowSource rows = engine().rows(table);
        try {
            List<ColumnInfo> cols = rows.columns();
            ValueType[] types = new ValueType[cols.size()];
            boolean[] scaled = new boolean[cols.size()];
            for (int i = 0; i < types.length; i++) {
                types[i] = cols.get(i).valueType;
                scaled[i] = cols.get(i).scale != null;
            }
            StringBuilder sb = new StringBuilder(1 << 16);
            int inBatch = 0;
            while (limit < 0 || sent + inBatch < limit) {
                if (cancelled.contains(id)) {
                    wasCancelled = true;
                    inBatch = 0;
                    break;
                }
                Object[] row;
                try {
                    row = rows.next();
                } catch (Exception e) {
                    // Damage part-way through: the rows read before it go
                    // out first, then the error.
                    if (inBatch > 0) {
                        sb.append("]}");
                        out.line(sb);
                    }
                    throw e;
                }
                if (row == null) {
                    break;
                }
                if (inBatch == 0) {
                    sb.setLength(0);
                    sb.append("{\"type\":\"rows\",\"id\":").append(id).append(",\"rows\":[");
                } else {
                    sb.append(',');
                }
                row(sb, types, scaled, compact, row);
                inBatch++;
                if (inBatch >= batchRows || sb.length() >= BATCH_CHARS) {
                    sb.append("]}");
                    out.line(sb);
                    sent += inBatch;
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                sb.append("]}");
                out.line(sb);
                sent += inBatch;
            }
            StringBuilder end = start("read_end", id);
            Json.key(end, "rows_sent", true);
            end.append(sent);
            Json.key(end, "row_count", true);
            end.append(rows.metadataRowCount());
            Json.key(end, "cancelled", true);
            end.append(wasCancelled);
            end.append('}');
            out.line(end);
            log(
                    "read "
                            + sent
                            + " rows of '"
                            + table
                            + "' with "
                            + engineName
                            + " in "
                            + (System.nanoTime() - start) / 1_000_000
                            + " ms");
        } finally {
            rows.close();
            cancelled.remove(id);
        }
    }

    /**
     * One row as a JSON array, each value encoded by its column's value type: as text, or in the
     * compact form (timestamps, floats and decimals with a scale as integers; see the protocol).
     */
    private static void row(
            StringBuilder sb, ValueType[] types, boolean[] scaled, boolean compact, Object[] row) {
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
                        Json.float32(sb, ((Number) v).floatValue());
                    }
                    break;
                case FLOAT64:
                    if (compact) {
                        sb.append(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                    } else {
                        Json.float64(sb, ((Number) v).doubleValue());
                    }
                    break;
                case DECIMAL:
                    {
                        BigDecimal d = (BigDecimal) v;
                        if (compact && scaled[i] && d.unscaledValue().bitLength() < 64) {
                            sb.append(d.unscaledValue().longValue());
                        } else {
                            Json.string(sb, d.toPlainString());
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
                    Json.string(sb, v.toString());
                    break;
            }
        }
        sb.append(']');
    }

    private void closeEngine() {
        Engine e = engine;
        engine = null;
        engineName = null;
        if (e != null) {
            try {
                e.close();
            } catch (Throwable t) {
                log("closing the database failed: " + t);
            }
        }
    }

    // ---- output ----

    private static StringBuilder start(String type, long id) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"type\":\"").append(type).append("\",\"id\":").append(id);
        return sb;
    }

    private void ack(String type, long id) throws IOException {
        StringBuilder sb = start(type, id);
        sb.append('}');
        out.line(sb);
    }

    private void error(Long id, String kind, String message, Throwable t) throws IOException {
        out.line(errorJson(id, kind, message, t));
    }

    private static StringBuilder errorJson(Long id, String kind, String message, Throwable t) {
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
                sb.append('[');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    Json.string(sb, names.get(i));
                }
                sb.append(']');
            }
        }
        sb.append('}');
        return sb;
    }

    /** Reports an out-of-memory error (if there is room left to) and exits with code 3. */
    private static void exitOutOfMemory(Output out, Long id, Throwable t) {
        try {
            out.line(errorJson(id, Errors.OUT_OF_MEMORY, "the Java heap is exhausted: " + t, null));
        } catch (Throwable ignored) {
            // Nothing left to report with; the exit code says it.
        }
        Runtime.getRuntime().halt(3);
    }

    private static String requiredString(Map<String, Object> req, String key)
            throws HelperException {
        String s = optionalString(req, key);
        if (s == null) {
            throw new HelperException(Errors.BAD_REQUEST, "missing string '" + key + "'");
        }
        return s;
    }

    private static String optionalString(Map<String, Object> req, String key)
            throws HelperException {
        Object v = req.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String)) {
            throw new HelperException(Errors.BAD_REQUEST, "'" + key + "' must be a string");
        }
        return (String) v;
    }

    private static long optionalLong(Map<String, Object> req, String key, long fallback)
            throws HelperException {
        Object v = req.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Long)) {
            throw new HelperException(Errors.BAD_REQUEST, "'" + key + "' must be an integer");
        }
        return (Long) v;
    }

    /**
     * The protocol's stdout: whole lines, UTF-8, flushed after each. Lines are encoded here,
     * char by char into a reused buffer, rather than through a {@code Writer}, which copies each
     * line into a String first (a tenth of a large read's time).
     */
    static final class Output {
        private final java.io.OutputStream stream;
        private byte[] buffer = new byte[1 << 16];

        Output(java.io.OutputStream stream) {
            this.stream = stream;
        }

        synchronized void line(CharSequence json) throws IOException {
            int n = json.length();
            // At most 3 bytes per char (a surrogate pair's 4 bytes cover 2 chars), plus '\n'.
            if (buffer.length < 3 * n + 1) {
                buffer = new byte[3 * n + 1];
            }
            byte[] b = buffer;
            int at = 0;
            for (int i = 0; i < n; i++) {
                char c = json.charAt(i);
                if (c < 0x80) {
                    b[at++] = (byte) c;
                } else if (c < 0x800) {
                    b[at++] = (byte) (0xC0 | (c >> 6));
                    b[at++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c)
                        && i + 1 < n
                        && Character.isLowSurrogate(json.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, json.charAt(++i));
                    b[at++] = (byte) (0xF0 | (cp >> 18));
                    b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[at++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    if (Character.isSurrogate(c)) {
                        c = '\uFFFD';
                    }
                    b[at++] = (byte) (0xE0 | (c >> 12));
                    b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[at++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            b[at++] = '\n';
            stream.write(b, 0, at);
            stream.flush();
            if (buffer.length > 1 << 22) {
                buffer = new byte[1 << 16]; // do not keep a huge line's buffer
            }
        }
    }
}
