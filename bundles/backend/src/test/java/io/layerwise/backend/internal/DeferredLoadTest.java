package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeferredLoadTest {

    private static final long HOUR_MS = 3_600_000;

    @Test
    void aDelayedTaskStartsAtOnceWhenItsResultIsAskedFor() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<String> thread = new AtomicReference<>();
        DeferredLoad<String> load = new DeferredLoad<>("test-load", HOUR_MS, () -> {
            runs.incrementAndGet();
            thread.set(Thread.currentThread().getName());
            return "loaded";
        });
        Thread.sleep(100);
        assertEquals(0, runs.get(), "still waiting out its delay");
        assertEquals("loaded", load.now().get(10, TimeUnit.SECONDS));
        assertEquals("loaded", load.now().get(10, TimeUnit.SECONDS));
        assertEquals(1, runs.get(), "once, however often asked");
        assertEquals("test-load", thread.get());
        assertFalse(load.cancelIfNotStarted(), "it ran");
    }

    @Test
    void aDelayedTaskStartsByItselfOnceTheDelayIsOver() throws Exception {
        long t0 = System.nanoTime();
        DeferredLoad<Long> load = new DeferredLoad<>("test-load", 200, System::nanoTime);
        long startedAfterMs = (load.later().get(10, TimeUnit.SECONDS) - t0) / 1_000_000;
        assertTrue(startedAfterMs >= 200, "started after " + startedAfterMs + " ms");
        assertEquals(0L, (long) new DeferredLoad<>("test-load", 0, () -> 0L).later().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aTaskCancelledBeforeItStartedNeverRunsAndSaysSo() {
        AtomicInteger runs = new AtomicInteger();
        DeferredLoad<String> load = new DeferredLoad<>("test-load", HOUR_MS, () -> {
            runs.incrementAndGet();
            return "loaded";
        });
        assertTrue(load.cancelIfNotStarted());
        assertThrows(CancellationException.class, () -> load.now().get(10, TimeUnit.SECONDS));
        assertEquals(0, runs.get());
    }

    @Test
    void aRunningTaskIsNotCancelledAndItsFailureReachesWhoeverAsks() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DeferredLoad<String> load = new DeferredLoad<>("test-load", 0, () -> {
            running.countDown();
            await(release);
            throw new IllegalStateException("no natives");
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertFalse(load.cancelIfNotStarted(), "already running: the caller must wait for it");
        release.countDown();
        ExecutionException e = assertThrows(ExecutionException.class, () -> load.now().get(10, TimeUnit.SECONDS));
        assertEquals("no natives", e.getCause().getMessage());
    }

    @Test
    void onlyTheLaunchersDelayCounts() {
        assertEquals(500, BackendComponent.delayMs("500"));
        assertEquals(0, BackendComponent.delayMs(null));
        assertEquals(0, BackendComponent.delayMs("soon"));
        assertEquals(0, BackendComponent.delayMs("-5"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
