package io.layerwise.spark;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Stage;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fitted stage's statistics as a distributed sum: each shard gives its row count, column sums and {@code X^T X}
 * (float64), {@link OrderedSum} adds them in shard order, and the driver forms the mean {@code mu = sum x / N} and the
 * covariance {@code Phi = X^T X / N - mu^T mu}, the maximum-likelihood covariance that the whitening stage computes.
 * The stage is then fitted by its own {@link Stage#fit} on 2n rows that have exactly this mean and covariance: {@code
 * mu +- sqrt(n d_i) e_i} for the eigenpairs {@code (d_i, e_i)} of {@code Phi} (their mean is {@code mu}, and {@code
 * (1/2n) sum 2 n d_i e_i e_i^T = Phi}), so no whitening code is repeated here and only n x n numbers per worker cross
 * the network.
 */
public final class DistributedCovariance {
    private DistributedCovariance() {
    }

    /** Summed statistics: rows, column sums, {@code X^T X} (row-major n x n). */
    public record Moments(long rows, double[] sum, double[] xtx) implements Serializable {
        static Moments of(Shard s) {
            int n = s.cols();
            double[] sum = new double[n];
            double[] d = new double[s.data().length];
            for (int i = 0; i < d.length; i++) {
                d[i] = s.data()[i];
                sum[i % n] += d[i];
            }
            try (INDArray x = Nd4j.create(d, new long[] {s.rows(), n}, DataType.DOUBLE);
                    INDArray g = x.transpose().mmul(x)) {
                return new Moments(s.rows(), sum, g.dup('c').data().asDouble());
            }
        }

        Moments plus(Moments o) {
            if (o.rows == 0) {
                return this;
            }
            if (rows == 0) {
                return o;
            }
            double[] s = sum.clone();
            double[] g = xtx.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] += o.sum[i];
            }
            for (int i = 0; i < g.length; i++) {
                g[i] += o.xtx[i];
            }
            return new Moments(rows + o.rows, s, g);
        }

        public double[] mean() {
            double[] m = sum.clone();
            for (int i = 0; i < m.length; i++) {
                m[i] /= rows;
            }
            return m;
        }

        /** {@code X^T X / N - mu^T mu}, row-major n x n. */
        public double[] covariance() {
            double[] m = mean();
            int n = m.length;
            double[] c = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    c[i * n + j] = xtx[i * n + j] / rows - m[i] * m[j];
                }
            }
            return c;
        }
    }

    /** The statistics of {@code train}, summed over {@code workers} shards by Spark. */
    public static Moments of(JavaSparkContext sc, FloatMatrix train, int workers) {
        JavaRDD<Shard> shards = sc.parallelize(Shard.split(train, workers), workers);
        return sum(shards.map(Moments::of));
    }

    /** The statistics of a rows file's training rows, each of {@code workers} executors reading and summing its shard. */
    public static Moments of(JavaSparkContext sc, java.nio.file.Path trainFile, int workers) {
        String file = trainFile.toAbsolutePath().toString(); // a String: the task closure is serialised
        return sum(sc.parallelize(java.util.stream.IntStream.range(0, workers).boxed().toList(), workers)
                .map(w -> Moments.of(RowsFile.shard(java.nio.file.Path.of(file), w, workers))));
    }

    private static Moments sum(JavaRDD<Moments> shards) {
        return OrderedSum.of(shards, new Moments(0, null, null), Moments::plus);
    }

    /** 2n rows whose mean and maximum-likelihood covariance are those of {@code m}. */
    public static FloatMatrix equivalentRows(Moments m) {
        double[] mu = m.mean();
        int n = mu.length;
        float[] rows = new float[2 * n * n];
        try (INDArray c = Nd4j.create(m.covariance(), new long[] {n, n}, DataType.DOUBLE)) {
            INDArray d = Eigen.symmetricGeneralizedEigenvalues(c, true); // c now holds the eigenvectors as columns
            for (int i = 0; i < n; i++) {
                double scale = Math.sqrt(n * Math.max(d.getDouble(i), 0));
                for (int j = 0; j < n; j++) {
                    double v = scale * c.getDouble(j, i);
                    rows[i * n + j] = (float) (mu[j] + v);
                    rows[(n + i) * n + j] = (float) (mu[j] - v);
                }
            }
            d.close();
        }
        return new FloatMatrix(2 * n, n, rows);
    }

    /** Fits {@code recipe}'s stage (pca, zca) from the distributed statistics of {@code train}. */
    public static Stage fit(JavaSparkContext sc, StageRecipe recipe, FloatMatrix train, int workers) {
        FloatMatrix rows = equivalentRows(of(sc, train, workers));
        Stage stage = recipe.create();
        try {
            stage.fit(rows);
            return stage;
        } catch (RuntimeException e) {
            stage.close();
            throw e;
        }
    }
}
