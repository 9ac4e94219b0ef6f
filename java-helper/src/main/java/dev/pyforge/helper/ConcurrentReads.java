package dev.pyforge.helper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads that run beside the session's requests (protocol feature {@code concurrent_reads}): each
 * on a thread of its own, through an engine of its own that {@link Engine#forReader} opened on the
 * same file. An engine is kept for the next read once its read ends, so a database is opened at
 * most once per read running at the same time. The session holds one of these per open database.
 */
final class ConcurrentReads {
    /** A read to run on a reader thread, with the engine it is given. */
    interface Read {
        void run(Engine engine) throws Exception;
    }

    private final Engine main;
    private final ExecutorService threads;
    private final LinkedBlockingQueue<Engine> idle = new LinkedBlockingQueue<Engine>();
    private final List<Engine> opened = new ArrayList<Engine>();

    ConcurrentReads(Engine main) {
        this.main = main;
        final AtomicInteger count = new AtomicInteger();
        this.threads =
                Executors.newCachedThreadPool(
                        new ThreadFactory() {
                            @Override
                            public Thread newThread(Runnable r) {
                                Thread t = new Thread(r, "pyforge-read-" + count.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            }
                        });
    }

    /**
     * Starts {@code read} on a reader thread and returns at once; false (and nothing started) when
     * the engine cannot read side by side, and the caller reads in order instead. Opening another
     * engine happens here, on the request thread, so a file that cannot be opened again fails the
     * request that asked.
     */
    boolean start(final Read read) throws Exception {
        Engine engine = idle.poll();
        if (engine == null) {
            engine = main.forReader();
            if (engine == null) {
                return false;
            }
            synchronized (opened) {
                opened.add(engine);
            }
        }
        final Engine reader = engine;
        threads.execute(
                new Runnable() {
                    @Override
                    public void run() {
                        try {
                            read.run(reader);
                        } catch (Throwable t) {
                            // The read answers its own failures; this is a last resort.
                            Main.log("a concurrent read failed: " + t);
                        } finally {
                            idle.add(reader);
                        }
                    }
                });
        return true;
    }

    /** Waits for the reads still running (at most {@code seconds}) and closes every engine. */
    void close(long seconds) {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(seconds, TimeUnit.SECONDS)) {
                Main.log("reads still running after " + seconds + " s; closing their databases");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (opened) {
            for (Engine e : opened) {
                try {
                    e.close();
                } catch (Throwable t) {
                    Main.log("closing a reader's database failed: " + t);
                }
            }
            opened.clear();
        }
    }
}
