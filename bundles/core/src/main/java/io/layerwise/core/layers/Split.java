package io.layerwise.core.layers;

import io.layerwise.core.nn.RowHalves;
import io.layerwise.core.nn.SecondCore;

/**
 * A kernel's loop over samples or channels cut into ranges that the calling thread and {@link SecondCore}'s worker
 * take in turn. A conv AE step's products run in halves on both cores, but the Java kernels between them (most of
 * the step) ran on the calling thread alone. Each range writes only the values of its own samples or channels, with
 * the same arithmetic in the same order, so the result is the one loop's, bit for bit ({@code KernelSplitTest}).
 * Four ranges rather than two: the worker finds its data in the other core's cache and is often the slower, and
 * whoever is free takes the next range. Shared only while {@link RowHalves#enabled}
 * ({@code -Dlayerwise.rowHalves=false} turns both off).
 */
final class Split {
    /** Ranges per loop. */
    static final int PIECES = 4;

    private Split() {
    }

    /** One range of the loop. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code range} over {@code [0, count)}: in {@link #PIECES} ranges on two cores when the loop touches at least
     * {@link RowHalves#MIN_VALUES} values (a hand-over to the spinning worker costs about a microsecond), else whole.
     */
    static void run(int count, long values, Range range) {
        if (count < 2 || values < RowHalves.MIN_VALUES || !RowHalves.enabled() || !SecondCore.available()) {
            range.run(0, count);
            return;
        }
        int pieces = Math.min(count, PIECES);
        SecondCore.share(pieces, (piece, worker) -> range.run(
                (int) ((long) count * piece / pieces), (int) ((long) count * (piece + 1) / pieces)));
    }
}
