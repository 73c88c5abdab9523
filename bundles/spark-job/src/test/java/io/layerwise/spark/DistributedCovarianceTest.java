package io.layerwise.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Stage;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DistributedCovarianceTest {
    private static JavaSparkContext sc;
    private static FloatMatrix train;

    @BeforeAll
    static void start() throws Exception {
        train = SparkTestData.mnist(3000, 100).train();
        sc = SparkTestData.local(2);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void summedOverThreeWorkersIsTheSingleMachineCovariance() {
        DistributedCovariance.Moments m = DistributedCovariance.of(sc, train, 3);
        int n = train.cols();
        int rows = train.rows();
        double[] mu = new double[n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                mu[j] += train.get(r, j) / (double) rows;
            }
        }
        double[] c = m.covariance();
        double worst = 0;
        for (int i = 0; i < n; i += 7) { // every 7th row of Phi: 112 x 784 entries, in two passes over the data
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += (train.get(r, i) - mu[i]) * (train.get(r, j) - mu[j]);
                }
                worst = Math.max(worst, Math.abs(s / rows - c[i * n + j]));
            }
        }
        assertEquals(rows, m.rows());
        assertTrue(worst < 1e-9, "largest difference from the two-pass covariance: " + worst);
    }

    @Test
    void zcaFittedFromTheDistributedCovarianceWhitensAsTheStageFittedOnTheRows() {
        StageRecipe recipe = new StageRecipe("stages[0]", "zca",
                "io.layerwise.model.whitening.internal.ZcaStageProvider", "{\"type\":\"zca\",\"epsilon\":0.1}",
                Map.of(), 784, "unit", 1234, train.rows());
        FloatMatrix probe = train.rows(0, 50);
        float[] expected;
        try (Stage direct = recipe.create()) {
            direct.fit(train);
            expected = direct.encode(probe).data();
        }
        float[] actual;
        try (Stage spark = DistributedCovariance.fit(sc, recipe, train, 2)) {
            actual = spark.encode(probe).data();
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst < 1e-3, "whitened pixels differ by up to " + worst);
    }

    @Test
    void executorsSummingTheirShardsOfTheRowsFileGiveTheShippedShardsStatistics(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = RowsFileTest.write(dir.resolve("train.rows"), train, "unit");
        DistributedCovariance.Moments shipped = DistributedCovariance.of(sc, train, 3);
        DistributedCovariance.Moments read = DistributedCovariance.of(sc, file, 3);
        assertEquals(shipped.rows(), read.rows());
        org.junit.jupiter.api.Assertions.assertArrayEquals(shipped.sum(), read.sum());
        org.junit.jupiter.api.Assertions.assertArrayEquals(shipped.xtx(), read.xtx());
    }
}
