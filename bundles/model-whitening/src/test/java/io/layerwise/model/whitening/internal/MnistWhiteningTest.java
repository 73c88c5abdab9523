package io.layerwise.model.whitening.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.core.testing.MnistSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference figures of ZCA on the 8,000 x 784 training sample ({@code ../shared/data/mnist-sample}, pixels / 255):
 * mean diagonal of the whitened covariance 0.128 at epsilon 0.1 and 0.794 at 1e-5 (numpy float64: 0.128087 and
 * 0.794434). Skipped when the sample is absent.
 */
class MnistWhiteningTest {
    static FloatMatrix train;
    static FloatMatrix test;

    @BeforeAll
    static void load() throws Exception {
        Path dir = MnistSample.directory();
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        assumeTrue(Files.isRegularFile(images), "no MNIST sample at " + dir.toAbsolutePath());
        train = MnistSample.images(images);
        test = MnistSample.images(dir.resolve("t10k-images-idx3-ubyte.gz"));
    }

    @ParameterizedTest(name = "epsilon {0}")
    @CsvSource({"0.1, 0.128", "1e-5, 0.794"})
    void zcaWhitenedVarianceMatchesTheReference(double epsilon, double expected) {
        try (WhiteningStage zca = WhiteningStageTest.stage("zca", Map.of("epsilon", epsilon), 784)) {
            zca.fit(train);
            Map<String, Double> metrics = zca.evaluate(test);
            System.out.printf("zca epsilon %g: whitenedVarianceMean %.5f, testWhitenedVarianceMean %.5f%n", epsilon,
                    metrics.get("whitenedVarianceMean"), metrics.get("testWhitenedVarianceMean"));
            assertEquals(expected, metrics.get("whitenedVarianceMean"), 5e-4);
            double[] d = zca.whitening().eigenvalues();
            int tiny = 0;
            for (double v : d) {
                tiny += v < 1e-6 ? 1 : 0;
            }
            // constant border pixels: the covariance has about 130 (numerically) zero eigenvalues
            assertTrue(tiny > 100 && tiny < 200, tiny + " eigenvalues below 1e-6");
        }
    }
}
