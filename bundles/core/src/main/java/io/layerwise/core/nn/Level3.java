package io.layerwise.core.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code C <- alpha op(A) op(B) + beta C}, the one product every hot loop uses. Float32 row-major matrices on the CPU
 * backend go straight to OpenBLAS's {@code cblas_sgemm} (the library instance whose threads ND4J sets): ND4J's own
 * {@code Nd4j.gemm} runs libnd4j's matmul op, whose fixed cost per call (50-70 us measured) is a quarter of a
 * batch-20 product of 20x784 by 784x500. {@link BlasThreads} picks OpenBLAS's thread count for the call. Anything
 * else (float64, the CUDA backend, a layout that is not row-major with unit column stride, mismatched shapes) goes to
 * {@code Nd4j.gemm}, which also reports shape errors.
 */
public final class Level3 {
    private Level3() {
    }

    /** The same contract as {@code Nd4j.gemm(a, b, c, transA, transB, alpha, beta)}. */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha,
            double beta) {
        if (!direct(a, b, c, transA, transB)) {
            Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
            return;
        }
        int m = rows(c);
        int n = cols(c);
        int k = transA ? rows(a) : cols(a);
        BlasThreads.sgemm(transA, transB, m, n, k, (float) alpha, pointer(a), leading(a), pointer(b), leading(b),
                (float) beta, pointer(c), leading(c));
    }

    /**
     * {@code c <- op(a) op(b) + 1 bias}: an affine layer. The bias rows are written first as the rank-one product
     * {@code ones^T bias} and the product is accumulated onto them (beta 1); at batch sizes 20 to 128 that costs 2-7
     * us, where ND4J's {@code addiRowVector} costs 18-27 us.
     *
     * @param bias 1 x cols(c)
     * @param ones 1 x rows(c) or rows(c) x 1, all ones
     */
    public static void gemmPlusRow(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, INDArray bias,
            INDArray ones) {
        gemm(ones, bias, c, ones.rows() == 1, false, 1.0, 0.0);
        gemm(a, b, c, transA, transB, 1.0, 1.0);
    }

    /** Whether {@link #gemm} calls OpenBLAS itself for these operands. */
    static boolean direct(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        if (!(rowMajorFloat(a) && rowMajorFloat(b) && rowMajorFloat(c) && Nd4j.getEnvironment().isCPU())) {
            return false;
        }
        int k = transA ? rows(a) : cols(a);
        return (transA ? cols(a) : rows(a)) == rows(c) && (transB ? cols(b) : rows(b)) == k
                && (transB ? rows(b) : cols(b)) == cols(c);
    }

    /** Rank 2, float32, rows laid out one after another with unit stride along a row, as cblas row-major wants. */
    private static boolean rowMajorFloat(INDArray x) {
        return x.rank() == 2 && x.dataType() == DataType.FLOAT && x.length() > 0
                && (x.stride(1) == 1 || x.size(1) == 1) && (x.size(0) == 1 || x.stride(0) >= x.size(1));
    }

    private static int rows(INDArray x) {
        return (int) x.size(0);
    }

    private static int cols(INDArray x) {
        return x.rank() == 2 ? (int) x.size(1) : -1;
    }

    /** The distance between rows; ND4J may report stride 1 along a dimension of size 1. */
    static int leading(INDArray x) {
        return (int) Math.max(x.stride(0), x.size(1));
    }

    /**
     * The address of the view's first element. A view's buffer is a window that starts at the view's offset, and
     * its {@code addressPointer()} already points there (adding {@code offset()} again reads the wrong rows).
     */
    static FloatPointer pointer(INDArray x) {
        return new FloatPointer(x.data().addressPointer());
    }
}
