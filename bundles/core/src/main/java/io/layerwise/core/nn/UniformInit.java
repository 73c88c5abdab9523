package io.layerwise.core.nn;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight initialisation of the Theano tutorials: {@code W ~ U(-r, r)} with {@code r = sqrt(6 / (n_in + n_out))},
 * four times that for sigmoid units; biases start at 0. Drawn with {@link SplittableRandom} on the heap, so the
 * values depend on the seed only, not on the ND4J version or backend.
 */
public final class UniformInit {
    private UniformInit() {
    }

    /** The half-width {@code r} for a layer whose units use {@code activation}. */
    public static double radius(int nIn, int nOut, Activation activation) {
        double r = Math.sqrt(6.0 / (nIn + nOut));
        return activation == Activation.SIGMOID ? 4 * r : r;
    }

    /**
     * The values of {@link #uniform} in a new native {@code rows x cols} array of {@code type}, drawn a block of rows
     * at a time ({@link NdArrays#draw}), so the heap never holds the whole matrix.
     */
    public static INDArray uniformArray(int rows, int cols, double r, SplittableRandom rng, DataType type) {
        return NdArrays.draw(rows, cols, type, () -> (2 * rng.nextDouble() - 1) * r);
    }

    /** {@code rows x cols} row-major values in [-r, r). */
    public static float[] uniform(int rows, int cols, double r, SplittableRandom rng) {
        float[] w = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((2 * rng.nextDouble() - 1) * r);
        }
        return w;
    }
}
