package io.layerwise.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole-array reductions through BLAS level 1 (one pass, no result array), which ND4J exposes for vectors only:
 * a contiguous matrix is passed as a flat view of the same memory.
 */
public final class Level1 {
    private Level1() {
    }

    /** {@code sum_i a_i b_i}. */
    public static double dot(INDArray a, INDArray b) {
        return Nd4j.getBlasWrapper().dot(flat(a), flat(b));
    }

    /** {@code sum_i |a_i|}. */
    public static double asum(INDArray a) {
        return Nd4j.getBlasWrapper().asum(flat(a));
    }

    /** {@code y <- y + alpha x}. */
    public static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.getBlasWrapper().axpy(alpha, flat(x), flat(y));
    }

    private static INDArray flat(INDArray a) {
        return a.isVector() ? a : a.reshape(a.length());
    }
}
