package io.layerwise.core.nn;

/**
 * When {@link SecondCore} hands pieces to its worker: after a call whose caller waited longer than
 * {@link SecondCore#MAX_WAIT_NANOS} for the worker (it was descheduled), the next {@code skip} calls run on the caller
 * alone. {@code skip} starts at {@link #MIN_SKIP} and doubles with each further long wait, up to {@link #MAX_SKIP}; a
 * call that shared without a long wait halves it again. A machine that is loaded for good thus tries sharing more and
 * more rarely (at most one slow call in {@value #MAX_SKIP}), while on a quiet machine one hiccup (a collection, another
 * process's time slice) costs a few steps instead of the 200 calls (about one W6 epoch of Adam on one core) of a
 * fixed back-off. Thread-safe; one instance serves every caller, as the worker is one.
 */
final class BackOff {
    /** Calls run alone after a first long wait: about five W6 steps (three shared calls a step). */
    static final int MIN_SKIP = 16;
    /** The most calls run alone between two tries: about five W6 epochs. */
    static final int MAX_SKIP = 1024;

    private final int min;
    private final int max;
    private int left;
    private int skip;

    BackOff() {
        this(MIN_SKIP, MAX_SKIP);
    }

    /** Skips from {@code min} to {@code max} calls; {@code min = max} is a fixed back-off. */
    BackOff(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max, got min=" + min + " max=" + max);
        }
        this.min = min;
        this.max = max;
        this.skip = min;
    }

    /** Whether this call may share; counts down a back-off otherwise. */
    synchronized boolean shareNow() {
        if (left > 0) {
            left--;
            return false;
        }
        return true;
    }

    /** The outcome of a shared call: how long its caller waited for the worker at the end. */
    synchronized void waited(long nanos, long maxNanos) {
        if (nanos > maxNanos) {
            left = skip;
            skip = Math.min(max, 2 * skip);
        } else {
            skip = Math.max(min, skip / 2);
        }
    }

    /** No back-off: the next call shares, a long wait then skips {@link #MIN_SKIP}. */
    synchronized void reset() {
        left = 0;
        skip = min;
    }

    /** Calls still to run alone. */
    synchronized int left() {
        return left;
    }
}
