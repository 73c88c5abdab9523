package io.layerwise.model.rbm.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole-array reductions through BLAS level 1 (one pass, no result array). ND4J exposes them for vectors only, so a
 * contiguous matrix is passed as a flat view of the same memory.
 */
final class Blas {
    private Blas() {
    }

    /** {@code sum_i a_i b_i}. */
    static double dot(INDArray a, INDArray b) {
        return Nd4j.getBlasWrapper().dot(flat(a), flat(b));
    }

    /** {@code sum_i |a_i|}. */
    static double asum(INDArray a) {
        return Nd4j.getBlasWrapper().asum(flat(a));
    }

    private static INDArray flat(INDArray a) {
        return a.isVector() ? a : a.reshape(a.length());
    }
}
