package io.layerwise.backend.internal;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float32 {@code C = A B} ({@code m x k} times {@code k x n}) into a preallocated C: the hot-loop pattern of training,
 * through the path training takes. On the CPU backend the training loops call OpenBLAS's {@code cblas_sgemm}
 * directly (core's {@code Level3.gemm}); timing {@code Nd4j.gemm} instead would add libnd4j's matmul op (50-70 us a
 * call) to the "peak" and flatter every fraction of it at small batches.
 */
public final class GemmBenchmark {

    /** Which call a measurement times. */
    public enum Path {
        /** {@code cblas_sgemm} on the CPU backend (what training calls), {@code Nd4j.gemm} elsewhere. */
        TRAINING,
        /** {@code Nd4j.gemm}: libnd4j's matmul op, for comparison. */
        ND4J
    }

    private static final int MIN_REPEATS = 3;

    private GemmBenchmark() {
    }

    /**
     * The same measurement on a plain class path, to compare with {@code layerwise:bench gemm} inside Felix
     * ({@code runtime/bench-compare gemm}), with the thread counts of {@link ThreadRule}: arguments
     * {@code SECONDS MxKxN...}; prints {@code RESULT {"gflops": {...}}}.
     */
    public static void main(String[] args) {
        // the same thread counts as the Backend component applies inside Felix
        Nd4jThreads.apply(ThreadRule.forCores(Runtime.getRuntime().availableProcessors()));
        double seconds = Double.parseDouble(args[0]);
        StringBuilder json = new StringBuilder("RESULT {\"gflops\": {");
        for (int i = 1; i < args.length; i++) {
            String[] mkn = args[i].split("x");
            double g = run(Integer.parseInt(mkn[0]), Integer.parseInt(mkn[1]), Integer.parseInt(mkn[2]), seconds);
            json.append(i > 1 ? ", " : "").append('"').append(args[i]).append("\": ").append(g);
        }
        System.out.println(json.append("}}"));
        System.exit(0); // ND4J's native pools would keep the JVM alive
    }

    /** Median GFLOP/s of the training path over repeats filling about {@code seconds} (at least three, after one warm-up). */
    static double run(int m, int k, int n, double seconds) {
        return run(m, k, n, seconds, Path.TRAINING);
    }

    /** Median GFLOP/s of {@code path} over repeats filling about {@code seconds} (at least three, after one warm-up). */
    static double run(int m, int k, int n, double seconds, Path path) {
        if (m < 1 || k < 1 || n < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("m, k, n must be >= 1 and seconds > 0, got " + m + "x" + k + "x" + n
                    + " seconds=" + seconds);
        }
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.create(DataType.FLOAT, m, n);
        boolean direct = path == Path.TRAINING && Nd4j.getEnvironment().isCPU();
        try {
            product(a, b, c, direct);
            double[] times = new double[1 << 16];
            int count = 0;
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (count < times.length && (count < MIN_REPEATS || System.nanoTime() < deadline)) {
                long t = System.nanoTime();
                product(a, b, c, direct);
                times[count++] = (System.nanoTime() - t) / 1e9;
            }
            return 2.0 * m * k * n / median(Arrays.copyOf(times, count)) / 1e9;
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }

    /** The median of {@code values}, which it sorts. */
    static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /** {@code c <- a b} for fresh row-major float32 arrays, the call {@code Level3.gemm} makes for them. */
    static void product(INDArray a, INDArray b, INDArray c, boolean direct) {
        if (!direct) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            return;
        }
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) a.size(1);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, m, n, k, 1f, new FloatPointer(a.data().addressPointer()), k,
                new FloatPointer(b.data().addressPointer()), n, 0f, new FloatPointer(c.data().addressPointer()), n);
    }
}
