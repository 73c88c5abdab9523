package io.layerwise.core.layers;

import io.layerwise.core.nn.RowHalves;
import io.layerwise.core.nn.SecondCore;

/**
 * A kernel's loop over samples or channels in two ranges, the second on {@link SecondCore}'s worker. The layers' Java
 * kernels are most of a conv AE step, and they ran on one core while the other waited: the step's products are too
 * small for two BLAS threads. Each range writes only the values of its own samples or channels, with the same
 * arithmetic in the same order, so the result is the one loop's, bit for bit ({@code KernelHalvesTest}). Shared only
 * while {@link RowHalves#enabled} ({@code -Dlayerwise.rowHalves=false} turns both off).
 */
final class Halves {
    private Halves() {
    }

    /** One range of the loop. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code range} over {@code [0, count)}: in two halves on two cores when the loop touches at least
     * {@link RowHalves#MIN_VALUES} values (a hand-over to the spinning worker costs about a microsecond), else whole.
     */
    static void run(int count, long values, Range range) {
        if (count < 2 || values < RowHalves.MIN_VALUES || !RowHalves.enabled() || !SecondCore.available()) {
            range.run(0, count);
            return;
        }
        int middle = (count + 1) / 2;
        SecondCore.share(2, (piece, worker) -> {
            if (piece == 0) {
                range.run(0, middle);
            } else {
                range.run(middle, count);
            }
        });
    }
}
