package io.layerwise.backend.internal;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Float32 {@code C = A B} of {@code n x n} matrices into a preallocated C: the hot-loop pattern of training. */
final class GemmBenchmark {

    private static final int MIN_REPEATS = 3;

    private GemmBenchmark() {
    }

    /** Median GFLOP/s over repeats filling about {@code seconds} (at least three, after one warm-up). */
    static double run(int n, double seconds) {
        if (n < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("n must be >= 1 and seconds > 0, got n=" + n + " seconds=" + seconds);
        }
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        try {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double[] times = new double[1024];
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
            return 2.0 * n * n * n / median / 1e9;
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }
}
