package io.layerwise.model.whitening.internal;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The covariance {@code Phi = X^T X / N} of centred rows X (N x n) as a new n x n column-major array of X's type,
 * in one BLAS call. On the CPU backend a rank-N update (SYRK), which computes only the upper triangle, half a GEMM's
 * work (ND4J's own {@code Level3.syrk} passes K = 1, so OpenBLAS is called directly); the portable path is one
 * {@link Nd4j#gemm} of the full matrix. Both leave at least the upper triangle correct.
 */
final class Covariance {
    /**
     * Held by every OpenBLAS / LAPACK call of this bundle, as by training's (core's {@code BlasThreads.LOCK}, the
     * same class object): training lowers OpenBLAS's one process-wide thread count around small products, and a
     * solve that ran meanwhile on the lowered count would sum in another order. In float32 that moved a ZCA
     * transform fitted beside a training job by 1e-5 of its largest value (WhiteningReferenceIT); under the lock a
     * fit gives the same bits alone and beside other jobs.
     */
    static final Object BLAS_LOCK = openblas_nolapack.class;

    private Covariance() {
    }

    /**
     * @param x        centred rows, c-order float32 or float64, not a view
     * @param portable use {@link Nd4j#gemm} rather than calling OpenBLAS directly
     */
    static INDArray of(INDArray x, boolean portable) {
        return of(x, 1.0 / x.rows(), portable);
    }

    /** {@code scale X^T X} for rows X as in {@link #of(INDArray, boolean)}: a Gram matrix, {@code F F^T} from F^T. */
    static INDArray of(INDArray x, double scale, boolean portable) {
        long rows = x.rows();
        int n = (int) x.columns();
        INDArray cov = Nd4j.create(x.dataType(), new long[] {n, n}, 'f');
        if (portable) {
            Nd4j.gemm(x, x, cov, true, false, scale, 0.0);
            return cov;
        }
        if (x.ordering() != 'c' || x.isView() || (x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE)) {
            throw new IllegalArgumentException("need c-order float32 or float64 rows, got " + x.shapeInfoToString());
        }
        // X's c-order buffer is X^T (n x N) in column-major order with leading dimension n: Phi = X^T (X^T)^T / N.
        int k = Math.toIntExact(rows);
        synchronized (BLAS_LOCK) {
            if (x.dataType() == DataType.FLOAT) {
                openblas.cblas_ssyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, k,
                        (float) scale, (FloatPointer) x.data().addressPointer(), n, 0f,
                        (FloatPointer) cov.data().addressPointer(), n);
            } else {
                openblas.cblas_dsyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, k,
                        scale, (DoublePointer) x.data().addressPointer(), n, 0.0,
                        (DoublePointer) cov.data().addressPointer(), n);
            }
        }
        return cov;
    }

    /**
     * {@code X^T X / N} of the CPU backend's centred float32 rows X (N x m, c-order) as float64 values, column-major,
     * both triangles: one SYRK, its upper triangle read back in one bulk copy and mirrored.
     */
    static double[] symmetricValues(INDArray x) {
        int m = (int) x.columns();
        float[] upper = new float[m * m];
        try (INDArray cov = of(x, false)) {
            ((FloatPointer) cov.data().addressPointer()).get(upper, 0, upper.length);
        }
        double[] a = new double[m * m];
        for (int q = 0; q < m; q++) {
            for (int p = 0; p <= q; p++) {
                double v = upper[q * m + p];
                a[q * m + p] = v;
                a[p * m + q] = v;
            }
        }
        return a;
    }

    /**
     * {@code F F^T} of the column-major m x m float64 {@code f} through OpenBLAS directly (no ND4J arrays and their
     * element-wise copies): column-major, the upper triangle valid, the lower one zero. {@code float32}: F rounded to
     * float32 and one {@code ssyrk} (for F from a float32 eigensolver, whose error is far above float32's rounding of
     * the product: 2-3 ms against the {@code dsyrk}'s 6-9 at m = 666), widened back.
     */
    static double[] gram(double[] f, int m, boolean float32) {
        if (float32) {
            float[] product = new float[m * m];
            try (FloatPointer a = new FloatPointer(NativeArrays.narrow(f));
                    FloatPointer c = new FloatPointer((long) m * m)) {
                c.zero();
                synchronized (BLAS_LOCK) {
                    openblas.cblas_ssyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, m, m, 1f,
                            a, m, 0f, c, m);
                }
                c.get(product);
            }
            double[] out = new double[m * m];
            NativeArrays.widen(product, out);
            return out;
        }
        double[] out = new double[m * m];
        try (DoublePointer a = new DoublePointer(f); DoublePointer c = new DoublePointer((long) m * m)) {
            c.zero();
            synchronized (BLAS_LOCK) {
                openblas.cblas_dsyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, m, m, 1.0, a,
                        m, 0.0, c, m);
            }
            c.get(out);
        }
        return out;
    }
}
