package dev.pyforge.helper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversation with the supervisor: answers requests one at a time, in arrival order, and
 * holds what they leave behind (whether hello came, the open database and its engine). A failed
 * request is answered with an error and the session goes on; running out of memory ends it. A
 * {@code read} marked concurrent runs on a reader thread of {@link ConcurrentReads} instead, and the
 * next request is taken at once.
 */
final class Session {
    static final int DEFAULT_BATCH_ROWS = 1000;
    static final int MAX_BATCH_ROWS = 100_000;

    /** A batch is sent early once its JSON passes this many bytes. */
    static final int BATCH_BYTES = 4 << 20;

    private final Transport transport;
    private final List<Versions.Library> libraries;
    private final Engines engines;
    private boolean greeted;
    private Engine engine;
    private String engineName;
    /** The reads beside the requests, on the open database. */
    private ConcurrentReads concurrent;

    Session(Transport transport) {
        this.transport = transport;
        this.libraries = Versions.libraries();
        this.engines = new Engines(libraries);
    }

    /** Sends the helper's hello, which goes first, without waiting for the supervisor's. */
    void hello() throws IOException {
        transport.send(
                Messages.hello(
                        Versions.helperVersion(),
                        System.getProperty("java.version"),
                        System.getProperty("java.vendor"),
                        libraries,
                        features()));
    }

    private List<String> features() {
        List<String> f = new ArrayList<String>();
        if (engines.jackcessAvailable()) {
            f.add("engine_jackcess");
        }
        if (engines.ucanaccessAvailable()) {
            f.add("engine_ucanaccess");
        }
        if (Codecs.available()) {
            f.add("encryption");
        }
        f.add("cancel");
        f.add("compact_values");
        f.add("concurrent_reads");
        return f;
    }

    /** Answers requests until stdin closes. */
    void run() throws Exception {
        Request req;
        while ((req = transport.next()) != null) {
            if (req.problem != null) {
                error(req.id, Errors.BAD_REQUEST, req.problem, null);
                continue;
            }
            Long id = req.id;
            try {
                handle(req, id);
            } catch (Throwable t) {
                fail(id, t);
            }
        }
    }

    /** Answers request {@code id} with the error {@code t}; running out of memory ends the helper. */
    private void fail(Long id, Throwable t) throws IOException {
        String kind = t instanceof OutOfMemoryError ? Errors.OUT_OF_MEMORY : Errors.classify(t);
        if (Errors.OUT_OF_MEMORY.equals(kind)) {
            Main.exitOutOfMemory(transport, id, t);
        }
        if (!(t instanceof HelperException)) {
            Main.log("request " + id + " failed: " + t);
            if (Errors.INTERNAL.equals(kind)) {
                t.printStackTrace();
            }
        }
        error(id, kind, Errors.describe(t, kind), t);
    }

    private void handle(Request req, Long id) throws Exception {
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
                schema(id, req.requiredString("table"));
                break;
            case "read":
                read(req, id);
                break;
            case "close":
                closeEngine();
                transport.send(Messages.closed(id));
                break;
            case "bye":
                closeEngine();
                transport.send(Messages.bye(id));
                Main.log("bye");
                Main.haltSoon(0);
                break;
            default:
                throw new HelperException(Errors.BAD_REQUEST, "unknown request type '" + type + "'");
        }
    }

    private void clientHello(Request req) throws IOException {
        Object version = req.get("protocol_version");
        if (!(version instanceof Long) || ((Long) version) != Messages.PROTOCOL_VERSION) {
            error(
                    null,
                    Errors.BAD_REQUEST,
                    "protocol version mismatch: pyforge speaks "
                            + version
                            + ", this helper speaks "
                            + Messages.PROTOCOL_VERSION,
                    null);
            Main.haltSoon(2);
        }
        greeted = true;
        Object client = req.get("client");
        Main.log("hello from " + (client == null ? "an unnamed client" : client));
    }

    private void open(Request req, long id) throws Exception {
        if (engine != null) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "a database is already open; close it first");
        }
        String path = req.requiredString("path");
        String name = req.optionalString("engine");
        if (name == null) {
            name = Engines.JACKCESS;
        }
        String password = req.optionalString("password");
        String charset = req.optionalString("charset");
        String mirror = req.optionalString("mirror");
        if (mirror == null) {
            mirror = "memory";
        }
        if (!mirror.equals("memory") && !mirror.equals("disk")) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "mirror must be 'memory' or 'disk', not '" + mirror + "'");
        }
        Engine e = engines.create(name);
        long start = System.nanoTime();
        OpenInfo info = e.open(path, password, charset, mirror);
        engine = e;
        engineName = name;
        concurrent = new ConcurrentReads(e);
        Main.log("opened with " + name + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        transport.send(Messages.opened(id, name, info));
    }

    private Engine engine() throws HelperException {
        if (engine == null) {
            throw new HelperException(Errors.BAD_REQUEST, "no database is open");
        }
        return engine;
    }

    private void tables(long id) throws Exception {
        transport.send(Messages.tables(id, engine().tables()));
    }

    private void schema(long id, String table) throws Exception {
        transport.send(Messages.schema(id, engine().schema(table)));
    }

    /**
     * Streams one table's rows in {@code rows} messages of at most {@code batch_rows} rows (fewer
     * once a batch passes {@link #BATCH_BYTES}), then {@code read_end}. A cancel is checked
     * between rows; the batch it interrupts is dropped. With {@code "concurrent":true} the rows
     * are read on a reader thread (when the engine can) and this returns at once.
     */
    private void read(Request req, final long id) throws Exception {
        String requiredTable = req.requiredString("table");
        long batchRows = req.optionalLong("batch_rows", DEFAULT_BATCH_ROWS);
        if (batchRows < 1 || batchRows > MAX_BATCH_ROWS) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "batch_rows must be between 1 and " + MAX_BATCH_ROWS);
        }
        long limit = req.optionalLong("limit", -1);
        if (req.get("limit") != null && limit < 0) {
            throw new HelperException(Errors.BAD_REQUEST, "limit must not be negative");
        }
        String values = req.optionalString("values");
        if (values != null && !values.equals("text") && !values.equals("compact")) {
            throw new HelperException(
                    Errors.BAD_REQUEST, "values must be 'text' or 'compact', not '" + values + "'");
        }
        final String table = requiredTable;
        final boolean compact = "compact".equals(values);
        final long rowLimit = limit;
        final int rowsPerBatch = (int) batchRows;
        Engine current = engine();
        if (Boolean.TRUE.equals(req.get("concurrent"))
                && concurrent.start(
                        new ConcurrentReads.Read() {
                            @Override
                            public void run(Engine reader) throws Exception {
                                try {
                                    stream(reader, id, table, rowsPerBatch, rowLimit, compact);
                                } catch (Throwable t) {
                                    fail(id, t);
                                }
                            }
                        })) {
            return;
        }
        stream(current, id, table, rowsPerBatch, rowLimit, compact);
    }

    private void stream(
            Engine source, long id, String table, int batchRows, long limit, boolean compact)
            throws Exception {
        long start = System.nanoTime();
        long sent = 0;
        boolean wasCancelled = false;
        Engine.RowSource rows = source.rows(table);
        try {
            RowEncoder encoder = new RowEncoder(rows.columns(), compact);
            JsonOut sb = new JsonOut(1 << 16);
            int inBatch = 0;
            while (limit < 0 || sent + inBatch < limit) {
                if (transport.isCancelled(id)) {
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
                        Messages.rowsEnd(sb);
                        transport.send(sb);
                    }
                    throw e;
                }
                if (row == null) {
                    break;
                }
                // The batch's rows are separated by count, not by a JsonItems: one
                // builder serves every batch of the read.
                if (inBatch == 0) {
                    Messages.rowsStart(sb, id);
                } else {
                    sb.append(',');
                }
                encoder.append(sb, row);
                inBatch++;
                if (inBatch >= batchRows || sb.length() >= BATCH_BYTES) {
                    Messages.rowsEnd(sb);
                    transport.send(sb);
                    sent += inBatch;
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                Messages.rowsEnd(sb);
                transport.send(sb);
                sent += inBatch;
            }
            transport.send(Messages.readEnd(id, sent, rows.metadataRowCount(), wasCancelled));
            Main.log(
                    "read "
                            + sent
                            + " rows of '"
                            + table
                            + "' with "
                            + engineName
                            + " on "
                            + Thread.currentThread().getName()
                            + " in "
                            + (System.nanoTime() - start) / 1_000_000
                            + " ms");
        } finally {
            rows.close();
            transport.clearCancel(id);
        }
    }

    private void closeEngine() {
        Engine e = engine;
        engine = null;
        engineName = null;
        if (concurrent != null) {
            concurrent.close(5);
            concurrent = null;
        }
        if (e != null) {
            try {
                e.close();
            } catch (Throwable t) {
                Main.log("closing the database failed: " + t);
            }
        }
    }

    private void error(Long id, String kind, String message, Throwable t) throws IOException {
        transport.send(Messages.error(id, kind, message, t));
    }
}
