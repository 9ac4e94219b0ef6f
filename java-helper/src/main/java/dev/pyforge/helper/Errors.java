package dev.pyforge.helper;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Error kinds of the protocol and the rules that sort a Java exception into one.
 *
 * <p>The rules match the texts Jackcess (3.0.1 and 4.0.11), jackcess-encrypt and UCanAccess 4.0.4
 * really produce (collected from the shared fixture corpus): a wrong or missing Jet4 database
 * password or encryption password, an encoded or encrypted file without the jackcess-encrypt
 * add-on, an Access format newer than Jackcess reads, a damaged or foreign file, a
 * missing file, a file that is not an Access database at all, and running out of heap (raw, or wrapped by UCanAccess as {@code UCAExc:::4.0.4
 * java.lang.OutOfMemoryError}).
 */
final class Errors {
    private Errors() {}

    static final String NOT_FOUND = "not_found";
    static final String PASSWORD = "password";
    static final String ENCRYPTED = "encrypted";
    static final String UNSUPPORTED_VERSION = "unsupported_version";
    static final String CORRUPT = "corrupt";
    static final String IO = "io";
    static final String OUT_OF_MEMORY = "out_of_memory";
    static final String INTERNAL = "internal";
    static final String BAD_REQUEST = "bad_request";
    static final String NOT_ACCESS = "not_access";

    /** The causes of {@code t}, outermost first, each once. */
    static List<Throwable> chain(Throwable t) {
        List<Throwable> out = new ArrayList<Throwable>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<Throwable, Boolean>();
        for (Throwable c = t; c != null && !seen.containsKey(c); c = c.getCause()) {
            seen.put(c, Boolean.TRUE);
            out.add(c);
        }
        return out;
    }

    /** The error kind for {@code t}. */
    static String classify(Throwable t) {
        if (t instanceof HelperException) {
            return ((HelperException) t).kind;
        }
        List<Throwable> chain = chain(t);
        StringBuilder all = new StringBuilder();
        for (Throwable c : chain) {
            if (c instanceof OutOfMemoryError) {
                return OUT_OF_MEMORY;
            }
            if (c instanceof HelperException) {
                return ((HelperException) c).kind;
            }
            all.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
        }
        String text = all.toString();
        String lower = text.toLowerCase(Locale.ROOT);
        if (text.contains("java.lang.OutOfMemoryError") || text.contains("GC overhead limit")) {
            return OUT_OF_MEMORY;
        }
        if (text.contains("Password authentication failed")
                || lower.contains("not a valid password")
                || lower.contains("incorrect password")) {
            return PASSWORD;
        }
        if (text.contains("Decoding not supported") || text.contains("CodecProvider")) {
            return ENCRYPTED;
        }
        if (text.contains("Unsupported newer version")
                || text.contains("Unsupported version")
                || text.contains("Unknown format")) {
            return UNSUPPORTED_VERSION;
        }
        for (Throwable c : chain) {
            if (c instanceof FileNotFoundException || c instanceof NoSuchFileException) {
                return NOT_FOUND;
            }
        }
        if (lower.contains("given file does not exist") || lower.contains("no such file")) {
            return NOT_FOUND;
        }
        if (lower.contains("empty database file")
                || lower.contains("invalid page number")
                || lower.contains("page type")) {
            return CORRUPT;
        }
        // The deepest cause decides between damage and the system: Jackcess throws its own
        // IOExceptions (and trips over runtime exceptions) on bytes that are not what the format
        // promises; an IOException from the JDK is the disk, the network or the OS.
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable c = chain.get(i);
            if (c instanceof IOException) {
                return thrownByJackcess(c, 1) ? CORRUPT : IO;
            }
            if (c instanceof RuntimeException && thrownByJackcess(c, 4)) {
                return CORRUPT;
            }
        }
        return INTERNAL;
    }

    /** Whether one of the first {@code frames} stack frames of {@code t} is Jackcess code. */
    private static boolean thrownByJackcess(Throwable t, int frames) {
        StackTraceElement[] trace = t.getStackTrace();
        for (int i = 0; i < trace.length && i < frames; i++) {
            if (trace[i].getClassName().startsWith("com.healthmarketscience.jackcess.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message of an error response: the most telling exception message; for damage found
     * through a runtime exception (whose message alone says little, such as "0"), with the
     * exception's name.
     */
    static String describe(Throwable t, String kind) {
        if (t instanceof HelperException) {
            return message(t);
        }
        if (CORRUPT.equals(kind)) {
            for (Throwable c : chain(t)) {
                if (c instanceof RuntimeException) {
                    return "the database is damaged ("
                            + c.getClass().getSimpleName()
                            + ": "
                            + c.getMessage()
                            + ")";
                }
            }
        }
        return message(t);
    }

    /** The most telling message of {@code t}: its own, else the first cause's that has one. */
    static String message(Throwable t) {
        for (Throwable c : chain(t)) {
            String m = c.getMessage();
            if (m != null && !m.trim().isEmpty()) {
                return m.trim();
            }
        }
        return t.getClass().getName();
    }

    /** The class names of {@code t} and its causes, outermost first. */
    static List<String> classNames(Throwable t) {
        List<String> out = new ArrayList<String>();
        for (Throwable c : chain(t)) {
            if (!(c instanceof HelperException)) {
                out.add(c.getClass().getName());
            }
        }
        return out;
    }
}
