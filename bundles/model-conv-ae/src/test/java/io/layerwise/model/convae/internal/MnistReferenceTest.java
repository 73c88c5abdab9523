package io.layerwise.model.convae.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.core.testing.MnistSample;
import io.layerwise.core.testing.TestContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reference workload W5 of {@code ../shared/bench/README.md} (config/pipelines/mnist-conv-ae-2d.json) on the
 * 8,000 / 2,000 MNIST sample scaled to [-1, 1]: prints seconds and training MSE per epoch, and checks the test MSE
 * (running batch-norm statistics) after {@code -Dconvae.epochs} epochs (10) against 1.10 x the PyTorch anchor's
 * 0.274. Slow (minutes): tagged, excluded by default; run with
 * {@code mvn -o test -pl bundles/model-conv-ae -Dgroups=slow -DexcludedGroups=none -Dtest=MnistReferenceTest}.
 */
@Tag("slow")
class MnistReferenceTest {
    static final double ANCHOR_TEST_MSE = 0.274;

    static FloatMatrix symmetric(FloatMatrix m) {
        float[] v = m.data().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * v[i] - 1;
        }
        return new FloatMatrix(m.rows(), m.cols(), v);
    }

    @Test
    void convolutionalAutoencoderMatchesThePyTorchAnchor() throws Exception {
        Path dir = MnistSample.directory();
        FloatMatrix train = symmetric(MnistSample.images(dir.resolve("train-images-idx3-ubyte.gz")));
        FloatMatrix test = symmetric(MnistSample.images(dir.resolve("t10k-images-idx3-ubyte.gz")));
        int epochs = Integer.getInteger("convae.epochs", 10);
        Map<String, Object> fields = new java.util.HashMap<>(ConvAeStageTest.pipelineStage("mnist-conv-ae-2d.json"));
        fields.put("train", Map.of("epochs", epochs, "batch", 128, "optimizer", Map.of("kind", "adam", "lr", 0.001)));
        double testMse;
        try (ConvAeStage stage = (ConvAeStage) new ConvAeStageProvider().create(new Spec("stages[0]", fields),
                new TestContext(784, Dataset.REAL, 1234))) {
            int batches = stage.prepareTraining(train);
            for (int epoch = 0; epoch < epochs; epoch++) {
                long t0 = System.nanoTime();
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    sum += stage.trainBatch(b);
                }
                System.out.printf("epoch %d: train MSE %.4f, %.3f s%n", epoch + 1, sum / train.rows(),
                        (System.nanoTime() - t0) / 1e9);
            }
            testMse = stage.evaluate(test).get("testSquaredError");
        }
        System.out.printf("RESULT epochs=%d testSquaredError=%.4f anchor=%.3f%n", epochs, testMse, ANCHOR_TEST_MSE);
        if (epochs == 10) {
            assertTrue(testMse <= 1.10 * ANCHOR_TEST_MSE, "test MSE " + testMse + " > 1.10 x " + ANCHOR_TEST_MSE);
        }
    }
}
