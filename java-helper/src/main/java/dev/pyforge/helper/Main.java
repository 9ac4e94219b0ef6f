package dev.pyforge.helper;

import java.util.TimeZone;

/**
 * The pyforge Java helper's process: prepares the JVM, runs a {@link Session} over the {@link
 * Transport}, and owns how the process logs and exits. The helper reads Access databases for the
 * Rust supervisor, speaking protocol v1 (JSON lines over stdin and stdout; the Rust module {@code
 * src/jvm/protocol.rs} specifies it).
 *
 * <p>stdout carries protocol messages only (see {@link Transport#claimStdout}); logs go to stderr.
 *
 * <p>Exit codes: 0 after {@code bye} or end of input; 2 when the supervisor speaks another
 * protocol version; 3 after an out-of-memory error (reported first when possible).
 */
public final class Main {
    private Main() {}

    /** The Jet3 (Access 97) charset when the JVM was not given one: Access' Western default. */
    static final String JET3_CHARSET_PROPERTY = "com.healthmarketscience.jackcess.charset.VERSION_3";

    /**
     * The root of java.util.logging, where Jackcess (through commons-logging) and HSQLDB log. Set
     * to WARNING: HSQLDB logs every checkpoint of UCanAccess' mirror at INFO, and only warnings
     * are worth a place in the supervisor's stderr buffer. Held here because java.util.logging
     * keeps loggers weakly.
     */
    private static final java.util.logging.Logger ROOT_LOG =
            java.util.logging.Logger.getLogger("");

    public static void main(String[] args) {
        Transport transport = Transport.claimStdout();
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
            Session session = new Session(transport);
            session.hello();
            transport.startReader();
            session.run();
        } catch (OutOfMemoryError e) {
            exitOutOfMemory(transport, null, e);
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

    /** Exits with {@code code}; if shutdown hooks hang, halts after two seconds. */
    static void haltSoon(final int code) {
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

    /** Reports an out-of-memory error (if there is room left to) and exits with code 3. */
    static void exitOutOfMemory(Transport transport, Long id, Throwable t) {
        try {
            String message = "the Java heap is exhausted: " + t;
            transport.send(Messages.error(id, Errors.OUT_OF_MEMORY, message, null));
        } catch (Throwable ignored) {
            // Nothing left to report with; the exit code says it.
        }
        Runtime.getRuntime().halt(3);
    }
}
