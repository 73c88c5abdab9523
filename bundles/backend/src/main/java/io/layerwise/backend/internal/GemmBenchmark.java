package io.layerwise.backend.internal;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float32 {@code C = A B} ({@code m x k} times {@code k x n}) into a preallocated C: the hot-loop pattern of training,
 * timed through the call training makes. On the CPU backend that is OpenBLAS's {@code cblas_sgemm} in row-major form
 * straight on the arrays' memory, in the {@code libopenblas_nolapack} instance whose threads ND4J sets, as
 * {@code io.layerwise.core.nn.Level3.gemm} calls it (this bundle does not import core, so the call is made here the
 * same way). On any other backend (CUDA) it is {@code Nd4j.gemm}, where {@code Level3} also goes. Timing
 * {@code Nd4j.gemm} on the CPU would add libnd4j's matmul op, 50-70 us a call that training no longer pays, and make a
 * {@code peakFraction} against it read high at small shapes. {@link #path()} names the path timed.
 */
public final class GemmBenchmark {

    /** {@link #path()} on the CPU backend. */
    static final String DIRECT = "cblas_sgemm direct";
    /** {@link #path()} elsewhere. */
    static final String ND4J = "Nd4j.gemm";
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

    /** Median GFLOP/s over repeats filling about {@code seconds} (at least three, after one warm-up). */
    static double run(int m, int k, int n, double seconds) {
        if (m < 1 || k < 1 || n < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("m, k, n must be >= 1 and seconds > 0, got " + m + "x" + k + "x" + n
                    + " seconds=" + seconds);
        }
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.create(DataType.FLOAT, m, n);
        try {
            Runnable product = product(a, b, c);
            product.run();
            double[] times = new double[1 << 16];
            int count = 0;
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (count < times.length && (count < MIN_REPEATS || System.nanoTime() < deadline)) {
                long t = System.nanoTime();
                product.run();
                times[count++] = (System.nanoTime() - t) / 1e9;
            }
            double[] done = Arrays.copyOf(times, count);
            Arrays.sort(done);
            double median = count % 2 == 1 ? done[count / 2] : (done[count / 2 - 1] + done[count / 2]) / 2;
            return 2.0 * m * k * n / median / 1e9;
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }

    /** The call {@link #run} times: {@value #DIRECT} on the CPU backend (as training), {@value #ND4J} elsewhere. */
    static String path() {
        return Nd4j.getEnvironment().isCPU() ? DIRECT : ND4J;
    }

    /**
     * {@code c <- a b} through {@link #path()}, for float32 row-major ({@code 'c'}) arrays of whole buffers. The
     * pointers are taken at each call, as {@code Level3} takes them.
     */
    static Runnable product(INDArray a, INDArray b, INDArray c) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        for (INDArray x : new INDArray[] {a, b, c}) {
            if (x.rank() != 2 || x.dataType() != DataType.FLOAT || x.ordering() != 'c' || x.isView()) {
                throw new IllegalArgumentException("need whole float32 row-major matrices, got " + x.shapeInfoToString());
            }
        }
        int m = (int) a.size(0);
        int k = (int) a.size(1);
        int n = (int) b.size(1);
        if (b.size(0) != k || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("shapes do not chain: " + Arrays.toString(a.shape()) + " x "
                    + Arrays.toString(b.shape()) + " -> " + Arrays.toString(c.shape()));
        }
        return () -> openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, m, n, k, 1f, pointer(a), k, pointer(b), n, 0f, pointer(c), n);
    }

    private static FloatPointer pointer(INDArray x) {
        return new FloatPointer(x.data().addressPointer());
    }
}
