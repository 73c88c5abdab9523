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

    /** The pool's worker really takes pieces: the caller's first piece waits (up to 10 s) until the worker ran one. */
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

    private static double busy(int piece) {
        double s = 0;
        for (int i = 0; i < 2000; i++) {
            s += Math.sqrt(i + piece);
        }
        return s;
    }
}
