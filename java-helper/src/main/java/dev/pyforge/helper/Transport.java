package dev.pyforge.helper;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The protocol's two pipes: request lines from stdin, response lines to the real stdout (JSON
 * lines, UTF-8, each flushed).
 *
 * <p>{@link #claimStdout} keeps the real stdout for responses and points {@code System.out} at
 * stderr, so nothing a library prints can break a message; it runs before any library loads.
 *
 * <p>A reader thread takes request lines from stdin. It handles {@code cancel} itself (a read in
 * progress asks {@link #isCancelled}) and queues everything else, lines that are no request
 * included, for the session, which takes them with {@link #next}. When stdin closes, the helper
 * exits at once, whatever it was doing: the supervisor is gone or wants it gone, and no JVM may
 * outlive pyforge.
 */
final class Transport {
    /** Queued after the last request when stdin closes. */
    private static final Request END = Request.problem(null, "end of input");

    private final OutputStream stdout;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<Request>();
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();

    private Transport(OutputStream stdout) {
        this.stdout = stdout;
    }

    /** A transport on the real stdout, which from now on is the protocol's alone. */
    static Transport claimStdout() {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        Transport transport = new Transport(new BufferedOutputStream(stdout, 1 << 16));
        System.setOut(System.err);
        return transport;
    }

    /** Writes {@code json} as one line and flushes it. */
    synchronized void send(JsonOut json) throws IOException {
        json.writeLineTo(stdout);
        stdout.flush();
    }

    /** Starts the stdin reader thread. */
    void startReader() {
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

    /** The next request (or line that is none) in arrival order; null once stdin has closed. */
    Request next() throws InterruptedException {
        Request request = queue.take();
        return request == END ? null : request;
    }

    /** Whether a {@code cancel} for request {@code id} has arrived. */
    boolean isCancelled(long id) {
        return cancelled.contains(id);
    }

    /** Forgets a cancel for request {@code id}, once that request is over. */
    void clearCancel(long id) {
        cancelled.remove(id);
    }

    private void readInput() {
        try {
            readLines();
        } catch (OutOfMemoryError e) {
            Main.exitOutOfMemory(this, null, e);
        } catch (Throwable t) {
            // Without this thread nobody would notice the end of stdin.
            Main.log("the stdin reader failed: " + t);
            Main.haltSoon(1);
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
                Request request = Request.parse(line);
                if (request.problem == null && "cancel".equals(request.get("type"))) {
                    Object target = request.get("target");
                    if (target instanceof Long) {
                        cancelled.add((Long) target);
                    } else {
                        queue.add(Request.problem(request.id, "cancel needs a numeric 'target'"));
                    }
                    continue;
                }
                queue.add(request);
            }
        } catch (IOException e) {
            Main.log("reading stdin failed: " + e);
        }
        queue.add(END);
        // stdin closed: leave now, even in the middle of a request.
        Main.log("stdin closed, exiting");
        Main.haltSoon(0);
    }
}
