package io.layerwise.model.whitening.internal;

import io.layerwise.api.data.FloatMatrix;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The covariance's input on the CPU backend, from the rows on the heap: the column means {@code mu}, the columns
 * that vary ({@code kept}, ascending), and {@code X[:, kept] - mu[kept]} as a new c-order float32 native array
 * (N x m). Two passes over the rows, each on the cores in row ranges: the column sums and deviations from the first
 * row, then the varying columns, centred, written into native memory 64 rows at a time.
 *
 * <p>A constant column's covariance row and column are exactly zero, so {@link SymmetricEigen} would deflate it
 * anyway; leaving it out before the product makes the covariance's SYRK (m/n)^2 of its size (0.72 for MNIST's 666
 * of 784 pixels). The passes replace the upload, the mean's product and the broadcast subtraction, three passes on one
 * core. When no column varies, every column is kept (the covariance is then zero, as before).
 */
record CentredColumns(float[] mean, int[] kept, INDArray rows) implements AutoCloseable {
    /** Rows summed in float32 before each double-precision total: vectorised, and 64 terms keep float's error small. */
    private static final int SUM_BLOCK = 64;

    static CentredColumns of(FloatMatrix data) {
        int rows = data.rows();
        int n = data.cols();
        float[] x = data.data();
        float[] first = Arrays.copyOf(x, n);
        int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), Math.min(8, rows / SUM_BLOCK)));
        double[][] sums = new double[parts][n];
        float[][] deviations = new float[parts][n];
        IntStream.range(0, parts).parallel().forEach(p -> sums(x, from(p, parts, rows), from(p + 1, parts, rows), n,
                first, sums[p], deviations[p]));
        float[] mean = new float[n];
        int[] kept = new int[n];
        int m = 0;
        for (int j = 0; j < n; j++) {
            double sum = 0;
            float deviation = 0;
            for (int p = 0; p < parts; p++) {
                sum += sums[p][j];
                deviation += deviations[p][j];
            }
            if (deviation == 0) { // a sum of |x - x_0| is 0 only if every term is; NaN is not 0, and stays in
                mean[j] = first[j]; // exactly: the column's inputs whiten to exactly 0
            } else {
                mean[j] = (float) (sum / rows);
                kept[m++] = j;
            }
        }
        if (m == 0) {
            Arrays.setAll(kept, j -> j);
            m = n;
        }
        int[] columns = Arrays.copyOf(kept, m);
        int[][] runs = runs(columns);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, m}, 'c');
        FloatBuffer target = new FloatPointer(out.data().addressPointer()).capacity((long) rows * m)
                .limit((long) rows * m).asBuffer();
        int width = m;
        IntStream.range(0, parts).parallel().forEach(p -> writeCentred(x, from(p, parts, rows), from(p + 1, parts,
                rows), n, mean, runs, width, target.duplicate()));
        return new CentredColumns(mean, columns, out);
    }

    /** Rows [from, to) centred into {@code out} (m wide), {@link #SUM_BLOCK} rows at a time through a heap block. */
    private static void writeCentred(float[] x, int from, int to, int n, float[] mean, int[][] runs, int m,
            FloatBuffer out) {
        float[] block = new float[SUM_BLOCK * m];
        for (int start = from; start < to; start += SUM_BLOCK) {
            int end = Math.min(to, start + SUM_BLOCK);
            centre(x, start, end, n, mean, runs[0], runs[1], block);
            out.put(start * m, block, 0, (end - start) * m);
        }
    }

    /** The first row of part p of rows split into parts. */
    private static int from(int p, int parts, int rows) {
        return (int) ((long) rows * p / parts);
    }

    /**
     * Column sums (into {@code sum}) and sums of {@code |x - first|} (into {@code deviation}) of rows [from, to) of the
     * row-major rows x n {@code x}.
     */
    static void sums(float[] x, int from, int to, int n, float[] first, double[] sum, float[] deviation) {
        float[] block = new float[n];
        for (int start = from; start < to; start += SUM_BLOCK) {
            Arrays.fill(block, 0f);
            int end = Math.min(to, start + SUM_BLOCK);
            for (int i = start; i < end; i++) {
                int base = i * n;
                for (int j = 0; j < n; j++) {
                    float v = x[base + j];
                    block[j] += v;
                    deviation[j] += Math.abs(v - first[j]);
                }
            }
            for (int j = 0; j < n; j++) {
                sum[j] += block[j];
            }
        }
    }

    /** The kept columns as runs of consecutive indices: {starts, lengths}, so that the copy below is stride 1. */
    private static int[][] runs(int[] kept) {
        int[] starts = new int[kept.length];
        int[] lengths = new int[kept.length];
        int r = -1;
        for (int q = 0; q < kept.length; q++) {
            if (q > 0 && kept[q] == kept[q - 1] + 1) {
                lengths[r]++;
            } else {
                starts[++r] = kept[q];
                lengths[r] = 1;
            }
        }
        return new int[][] {Arrays.copyOf(starts, r + 1), Arrays.copyOf(lengths, r + 1)};
    }

    /**
     * Rows [from, to) of {@code x} at the runs' columns, minus their means, one after the other from the start of
     * {@code out}: a loop over primitive arrays alone, as every method {@code runtime/jit-kernels.json} names.
     */
    static void centre(float[] x, int from, int to, int n, float[] mean, int[] starts, int[] lengths, float[] out) {
        int o = 0;
        for (int i = from; i < to; i++) {
            int base = i * n;
            for (int r = 0; r < starts.length; r++) {
                int s = starts[r];
                int length = lengths[r];
                for (int k = 0; k < length; k++) {
                    out[o + k] = x[base + s + k] - mean[s + k];
                }
                o += length;
            }
        }
    }

    @Override
    public void close() {
        rows.close();
    }
}
