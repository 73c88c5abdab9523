package io.layerwise.core.nn;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Independent pieces of work shared between the calling thread and a worker of the JVM's common pool: for the
 * element-wise passes between two GEMMs, which run on one core while OpenBLAS's threads wait. Both threads take the
 * next piece from a shared counter until none is left, so a worker that starts late (a loaded machine) takes fewer
 * pieces, or none, and the caller never waits for more than the piece the worker is on. On a machine loaded beyond
 * its cores the worker can be descheduled in the middle of a piece for a whole time slice (milliseconds, measured on
 * the shared 2-core machine at load 15-20): after such a wait the next calls run on the caller alone, a number
 * that doubles with each further such wait and halves after a call that shared well ({@link BackOff}). Pieces must
 * write disjoint memory; the result is then the same as one loop over them. The common pool holds no reference to the
 * work after it ran (no thread per stage to stop, nothing that keeps an updated bundle's classes alive).
 */
public final class SecondCore {
    /** Below this many values an array is not worth sharing (a hand-over costs a few microseconds). */
    public static final int MIN_VALUES = 1 << 16;

    private static final boolean AVAILABLE = Runtime.getRuntime().availableProcessors() >= 2
            && ForkJoinPool.getCommonPoolParallelism() >= 1;

    /** A wait for the worker longer than this (pieces take 10-30 us) means it was descheduled. */
    static final long MAX_WAIT_NANOS = 300_000;
    private static volatile BackOff backOff = new BackOff();

    private SecondCore() {
    }

    /** One piece of the work. */
    public interface Piece {
        /** @param worker 0 on the calling thread, 1 on the pool's worker: which of two sets of scratch buffers to use */
        void run(int piece, int worker);
    }

    /** Whether a second core is there to use; false on one core, where {@link #share} runs every piece here. */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Runs pieces {@code 0..count-1}, each once, on this thread and a pool worker, and returns when all are done; an
     * exception of either thread is thrown after both stopped.
     */
    public static void share(int count, Piece piece) {
        AtomicInteger next = new AtomicInteger();
        if (!AVAILABLE || count < 2 || !backOff.shareNow()) {
            drain(next, count, piece, 0);
            return;
        }
        ForkJoinTask<?> task = ForkJoinPool.commonPool().submit(() -> drain(next, count, piece, 1));
        long waited = 0;
        try {
            drain(next, count, piece, 0);
        } finally {
            long start = System.nanoTime();
            task.join(); // a task not yet started is run (with nothing left to take) here
            waited = System.nanoTime() - start;
        }
        backOff.waited(waited, MAX_WAIT_NANOS);
    }

    /** Ends a back-off: the next call shares again. For tests. */
    static void resetBackOff() {
        backOff.reset();
    }

    /** Replaces the back-off policy: for measurements that compare policies. */
    static void backOff(BackOff policy) {
        backOff = policy;
    }

    private static void drain(AtomicInteger next, int count, Piece piece, int worker) {
        for (int k = next.getAndIncrement(); k < count; k = next.getAndIncrement()) {
            piece.run(k, worker);
        }
    }
}
