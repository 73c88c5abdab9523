package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link SecondCore#share}: every piece runs exactly once, on one of two workers, and a failure reaches the caller. */
class SecondCoreTest {
    @Test
    void everyPieceRunsOnceOnOneOfTwoWorkers() {
        for (int round = 0; round < 50; round++) {
            int count = 1 + round * 7;
            AtomicIntegerArray runs = new AtomicIntegerArray(count);
            AtomicIntegerArray workers = new AtomicIntegerArray(2);
            SecondCore.share(count, (piece, worker) -> {
                runs.incrementAndGet(piece);
                workers.incrementAndGet(worker);
                busy(piece);
            });
            for (int k = 0; k < count; k++) {
                assertEquals(1, runs.get(k), "piece " + k + " of " + count);
            }
            assertEquals(count, workers.get(0) + workers.get(1), "only workers 0 and 1");
        }
    }

    /** The worker really takes pieces: the caller's first piece waits (up to 10 s) until the worker ran one. */
    @Test
    void theSecondWorkerTakesPieces() throws InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(SecondCore.available(), "a machine with two cores");
        SecondCore.resetBackOff();
        java.util.concurrent.CountDownLatch workerRan = new java.util.concurrent.CountDownLatch(1);
        AtomicIntegerArray workers = new AtomicIntegerArray(2);
        SecondCore.share(8, (piece, worker) -> {
            workers.incrementAndGet(worker);
            if (worker == 1) {
                workerRan.countDown();
            } else {
                try {
                    workerRan.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertTrue(workers.get(1) > 0, "worker 1 ran " + workers.get(1) + " of 8 pieces");
        SecondCore.resetBackOff(); // the wait above counts as a descheduled worker
    }

    @Test
    void aFailingPieceFailsTheCallAfterTheOthersRan() {
        AtomicIntegerArray runs = new AtomicIntegerArray(40);
        RuntimeException e = assertThrows(RuntimeException.class, () -> SecondCore.share(40, (piece, worker) -> {
            runs.incrementAndGet(piece);
            if (piece == 17) {
                throw new IllegalStateException("piece 17");
            }
        }));
        assertTrue(String.valueOf(e.getMessage()).contains("piece 17") || e.getCause() != null, e.toString());
    }

    /** Two callers at once: each call's pieces all run once; the one that finds the worker taken runs its own. */
    @Test
    void twoCallersAtOnceEachGetEveryPiece() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Runnable calls = () -> {
            try {
                for (int round = 0; round < 300; round++) {
                    int count = 2 + round % 9;
                    AtomicIntegerArray runs = new AtomicIntegerArray(count);
                    SecondCore.share(count, (piece, worker) -> {
                        runs.incrementAndGet(piece);
                        busy(piece);
                    });
                    for (int k = 0; k < count; k++) {
                        assertEquals(1, runs.get(k), "piece " + k + " of " + count + " in round " + round);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        Thread other = new Thread(calls);
        other.start();
        calls.run();
        other.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    /** The worker ends after a second without work (an updated bundle's classes are not kept) and comes back on demand. */
    @Test
    void theWorkerEndsWhenIdleAndComesBack() throws InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(SecondCore.available(), "a machine with two cores");
        SecondCore.resetBackOff();
        SecondCore.share(2, (piece, worker) -> busy(piece));
        assertTrue(SecondCore.workerRunning(), "a worker after a shared call");
        long deadline = System.nanoTime() + 10 * SecondCore.EXIT_NANOS;
        while (SecondCore.workerRunning() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(!SecondCore.workerRunning(), "no worker 10 s after the last call");
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        SecondCore.share(4, (piece, worker) -> runs.incrementAndGet(piece));
        for (int k = 0; k < 4; k++) {
            assertEquals(1, runs.get(k), "piece " + k + " after the worker ended");
        }
    }

    private static double busy(int piece) {
        double s = 0;
        for (int i = 0; i < 2000; i++) {
            s += Math.sqrt(i + piece);
        }
        return s;
    }
}
