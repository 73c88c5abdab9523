package io.layerwise.backend.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A task on a thread of its own that starts after a delay, or at once when someone asks for its result, and not at
 * all when it is cancelled before it started. The backend loads ND4J this way: in the interactive shell the launcher
 * asks for a delay, so that the prompt does not share the two cores with the load (docs/performance.md, "Start: ND4J
 * loads after the prompt"), while every command that computes asks for the result and gets the load at once.
 */
final class DeferredLoad<T> {

    private final CountDownLatch startNow = new CountDownLatch(1);
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private boolean started; // guarded by this
    private boolean cancelled; // guarded by this

    DeferredLoad(String threadName, long delayMs, Supplier<T> task) {
        Thread thread = new Thread(() -> {
            try {
                if (delayMs > 0) {
                    startNow.await(delayMs, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                // started early: an interrupt only ends the wait
            }
            if (!begin()) {
                result.completeExceptionally(new CancellationException("stopped before it started"));
                return;
            }
            try {
                result.complete(task.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The result, the task started now if it has not yet. */
    CompletableFuture<T> now() {
        startNow.countDown();
        return result;
    }

    /** The result, whenever the task runs. */
    CompletableFuture<T> later() {
        return result;
    }

    /** Keeps the task from starting; true when it had not started (it never will), false when it runs or ran. */
    synchronized boolean cancelIfNotStarted() {
        if (!started) {
            cancelled = true;
        }
        startNow.countDown();
        return cancelled;
    }

    private synchronized boolean begin() {
        started = !cancelled;
        return started;
    }
}
