package io.layerwise.core.nn;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole-array BLAS level 1 (one pass, no result array), which ND4J exposes for vectors only: a contiguous matrix is
 * passed as a flat view of the same memory. The updates ({@link #axpy}, {@link #scal}) call OpenBLAS directly for
 * contiguous float32 arrays on the CPU, as {@link Level3} does; an ND4J scalar op on a 20 x 784 array costs 6-10 us,
 * nearly all of it fixed overhead. Each direct call holds {@link BlasThreads#LOCK}, so it never runs on a thread count
 * another thread lowered for a small product.
 */
public final class Level1 {
    private static INDArray ones;

    private Level1() {
    }

    /** {@code sum_i a_i b_i}. */
    public static double dot(INDArray a, INDArray b) {
        if (direct(a) && direct(b) && a.length() == b.length()) { // the cblas_sdot ND4J calls, under the lock
            synchronized (BlasThreads.LOCK) {
                return openblas_nolapack.cblas_sdot((int) a.length(), Level3.pointer(a), 1, Level3.pointer(b), 1);
            }
        }
        return Nd4j.getBlasWrapper().dot(flat(a), flat(b));
    }

    /**
     * {@code sum_i a_i}, as a dot product with a vector of ones. Not {@code asum}: under OpenBLAS's Haswell and
     * SkylakeX kernels {@code sasum} adds in an order set by the array's address, so the same loss came out one
     * float ulp apart from two calls on equal values ({@code tools/blas-kernels/alignment.c} shows it);
     * {@code sdot}'s order depends on the length only.
     */
    public static double sum(INDArray a) {
        if (!direct(a)) {
            return a.sumNumber().doubleValue();
        }
        int n = (int) a.length();
        INDArray ones = ones(n);
        synchronized (BlasThreads.LOCK) {
            return openblas_nolapack.cblas_sdot(n, Level3.pointer(a), 1, Level3.pointer(ones), 1);
        }
    }

    /** {@code sum_i |a_i|}, in an order that may depend on the address (see {@link #sum}): for tests against 0. */
    public static double asum(INDArray a) {
        return Nd4j.getBlasWrapper().asum(flat(a));
    }

    /** A float32 vector of at least {@code n} ones, shared and only read: grown, never shrunk. */
    private static synchronized INDArray ones(int n) {
        if (ones == null || ones.length() < n) {
            ones = Nd4j.ones(DataType.FLOAT, Math.max(n, ones == null ? 0 : 2 * ones.length()));
        }
        return ones;
    }

    /** {@code y <- y + alpha x}. */
    public static void axpy(double alpha, INDArray x, INDArray y) {
        if (direct(x) && direct(y) && x.length() == y.length()) {
            synchronized (BlasThreads.LOCK) {
                openblas_nolapack.cblas_saxpy((int) x.length(), (float) alpha, Level3.pointer(x), 1, Level3.pointer(y),
                        1);
            }
        } else if (contiguous(y)) {
            Nd4j.getBlasWrapper().axpy(alpha, flat(x), flat(y));
        } else { // reshaping y would copy it, and the update would be lost
            y.addi(x.mul(alpha));
        }
    }

    /** {@code x <- alpha x}. */
    public static void scal(double alpha, INDArray x) {
        if (direct(x)) {
            synchronized (BlasThreads.LOCK) {
                openblas_nolapack.cblas_sscal((int) x.length(), (float) alpha, Level3.pointer(x), 1);
            }
        } else {
            x.muli(alpha);
        }
    }

    /**
     * {@code y <- alpha x}: {@code scopy} and {@code sscal} (neither starts OpenBLAS's threads at these lengths). An
     * ND4J scalar op costs 10-20 us at batch 20, more than the copy itself.
     */
    public static void copy(double alpha, INDArray x, INDArray y) {
        if (direct(x) && direct(y) && x.length() == y.length()) {
            int n = (int) x.length();
            synchronized (BlasThreads.LOCK) {
                openblas_nolapack.cblas_scopy(n, Level3.pointer(x), 1, Level3.pointer(y), 1);
                if (alpha != 1) {
                    openblas_nolapack.cblas_sscal(n, (float) alpha, Level3.pointer(y), 1);
                }
            }
        } else {
            Nd4j.exec(new ScalarMultiplication(x, null, y, alpha));
        }
    }

    /** Whether OpenBLAS takes {@code x} as it is. */
    static boolean direct(INDArray x) {
        return x.dataType() == DataType.FLOAT && contiguous(x) && Nd4j.getEnvironment().isCPU();
    }

    /** Rank 1 or 2, every element one after another: what a BLAS level-1 call can take as a vector. */
    private static boolean contiguous(INDArray x) {
        if (x.length() == 0 || x.rank() > 2) {
            return false;
        }
        if (x.rank() == 1 || x.size(0) == 1) {
            return x.size(x.rank() - 1) == 1 || x.stride(x.rank() - 1) == 1;
        }
        return (x.stride(1) == 1 || x.size(1) == 1) && x.stride(0) == x.size(1);
    }

    private static INDArray flat(INDArray a) {
        return a.isVector() ? a : a.reshape(a.length());
    }
}
