package io.layerwise.core.nn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Independent pieces of work shared between the calling thread and one worker thread: the halves of a training
 * step's products ({@link BlasThreads}) and of the element-wise passes between them ({@link RowHalves}), and Adam's
 * chunks. Both threads take the next piece from a shared counter until none is left, so a worker that starts late (a
 * loaded machine) takes fewer pieces, or none, and the caller never waits for more than the piece the worker is on.
 * Pieces must write disjoint memory; the result is then the same as one loop over them.
 *
 * <p>Why a worker of our own: inside a step the hand-overs come every 100-600 us. The worker spins for
 * {@link #SPIN_NANOS} after each piece, so the next hand-over costs about a microsecond instead of the 20-30 us of
 * waking a parked thread (the JVM's common pool), and nothing else spins on the second core meanwhile: OpenBLAS's own
 * threads, which spin with {@code sched_yield} between products, took the second core from the element-wise halves
 * (docs/performance.md, "One worker for both cores"). After that the worker parks, and after {@link #EXIT_NANOS}
 * without work it ends, so an updated bundle's copy of this class is not kept alive by it; the next call starts a
 * new one.
 *
 * <p>One task at a time: a caller that finds the worker taken by another caller runs all its pieces itself. On a
 * machine loaded beyond its cores the worker can be descheduled in the middle of a piece for a whole time slice
 * (milliseconds, measured on the shared 2-core machine at load 15-20): when the caller waited for the worker longer
 * than it worked itself, sharing lost time, and the next calls run on the caller alone, a number that doubles with
 * each further such wait and halves after a call that shared well ({@link BackOff}).
 */
public final class SecondCore {
    /** Below this many values an array is not worth sharing (a hand-over costs a few microseconds). */
    public static final int MIN_VALUES = 1 << 16;

    private static final boolean AVAILABLE = Runtime.getRuntime().availableProcessors() >= 2;

    /** A wait for the worker longer than this, and longer than the caller's own share, means it was descheduled. */
    static final long MAX_WAIT_NANOS = 300_000;
    /** How long the worker spins for the next piece: longer than the gaps between a step's hand-overs. */
    static final long SPIN_NANOS = 1_000_000;
    /** How long the worker stays parked without work before it ends. */
    static final long EXIT_NANOS = 1_000_000_000L;

    private static volatile BackOff backOff = new BackOff();
    /** The task waiting for the worker; null when none is. */
    private static final AtomicReference<Task> SLOT = new AtomicReference<>();
    /** The worker thread, or null when none runs; guarded by {@code SecondCore.class} for start and end. */
    private static Thread worker;

    private SecondCore() {
    }

    /** One piece of the work. */
    public interface Piece {
        /** @param worker 0 on the calling thread, 1 on the worker: which of two sets of scratch buffers to use */
        void run(int piece, int worker);
    }

    /** Whether a second core is there to use; false on one core, where {@link #share} runs every piece here. */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Runs pieces {@code 0..count-1}, each once, on this thread and the worker, and returns when all are done; an
     * exception of either thread is thrown after both stopped.
     */
    public static void share(int count, Piece piece) {
        Task task = new Task(count, piece);
        // alone on one core, in a back-off, or when the worker serves another caller
        if (!AVAILABLE || count < 2 || !backOff.shareNow() || !SLOT.compareAndSet(null, task)) {
            task.drain(0);
            return;
        }
        wake();
        long begin = System.nanoTime();
        long worked;
        long waited;
        try {
            task.drain(0);
        } finally {
            long end = System.nanoTime();
            worked = end - begin;
            if (!SLOT.compareAndSet(task, null)) { // the worker took it: wait for its last piece
                task.awaitWorker();
            }
            waited = System.nanoTime() - end;
        }
        task.rethrow();
        backOff.waited(waited, Math.max(MAX_WAIT_NANOS, worked));
    }

    /** Ends a back-off: the next call shares again. For tests. */
    static void resetBackOff() {
        backOff.reset();
    }

    /** Replaces the back-off policy: for measurements that compare policies. */
    static void backOff(BackOff policy) {
        backOff = policy;
    }

    /** Whether a worker thread runs now: for tests of its end. */
    static synchronized boolean workerRunning() {
        return worker != null;
    }

    private static synchronized void wake() {
        if (worker == null) {
            worker = new Thread(SecondCore::work, "layerwise-second-core");
            worker.setDaemon(true);
            worker.setContextClassLoader(null);
            worker.start();
        } else {
            LockSupport.unpark(worker);
        }
    }

    /** The worker's loop: take a task, spin a while for the next, park, end after {@link #EXIT_NANOS} idle. */
    private static void work() {
        long idleSince = System.nanoTime();
        while (true) {
            Task task = SLOT.get();
            if (task != null && SLOT.compareAndSet(task, null)) {
                task.runOnWorker();
                idleSince = System.nanoTime();
                continue;
            }
            long idle = System.nanoTime() - idleSince;
            if (idle < SPIN_NANOS) {
                Thread.onSpinWait();
            } else if (idle < EXIT_NANOS) {
                LockSupport.parkNanos(EXIT_NANOS / 10);
            } else if (endIfIdle()) {
                return;
            }
        }
    }

    private static synchronized boolean endIfIdle() {
        if (SLOT.get() != null) {
            return false;
        }
        worker = null;
        return true;
    }

    /** One call's pieces, the counter both threads take them from, and the worker's outcome. */
    private static final class Task {
        private final int count;
        private final Piece piece;
        private final AtomicInteger next = new AtomicInteger();
        private volatile boolean workerDone;
        private volatile Throwable workerFailure;

        Task(int count, Piece piece) {
            this.count = count;
            this.piece = piece;
        }

        void drain(int who) {
            for (int k = next.getAndIncrement(); k < count; k = next.getAndIncrement()) {
                piece.run(k, who);
            }
        }

        void runOnWorker() {
            try {
                drain(1);
            } catch (Throwable t) {
                workerFailure = t;
            } finally {
                workerDone = true;
            }
        }

        /** Spins for the worker's last piece (a few hundred microseconds at most), yielding after the first 50. */
        void awaitWorker() {
            long start = System.nanoTime();
            while (!workerDone) {
                if (System.nanoTime() - start < 50_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        void rethrow() {
            Throwable t = workerFailure;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
