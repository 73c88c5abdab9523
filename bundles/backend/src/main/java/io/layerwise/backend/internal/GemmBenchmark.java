package io.layerwise.backend.internal;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Float32 {@code C = A B} ({@code m x k} times {@code k x n}) into a preallocated C: the hot-loop pattern of training. */
public final class GemmBenchmark {

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
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double[] times = new double[1 << 16];
            int count = 0;
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (count < times.length && (count < MIN_REPEATS || System.nanoTime() < deadline)) {
                long t = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
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
}
