package io.layerwise.regularizers.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole-array BLAS level 1 (one pass, no result array). ND4J takes vectors only, so a contiguous matrix is passed
 * as a flat view of the same memory. No {@code asum}: OpenBLAS's Haswell and SkylakeX kernels add in an order set
 * by the array's address, so one value would differ by an ulp between runs; {@code sum |w|} is {@code sign(w).w}.
 */
final class Blas {
    private Blas() {
    }

    /** {@code sum_i a_i b_i}. */
    static double dot(INDArray a, INDArray b) {
        return Nd4j.getBlasWrapper().dot(flat(a), flat(b));
    }

    /** {@code y <- y + alpha x}. */
    static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.getBlasWrapper().axpy(alpha, flat(x), flat(y));
    }

    private static INDArray flat(INDArray a) {
        return a.isVector() ? a : a.reshape(a.length());
    }
}
