package io.layerwise.model.dae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.testing.MnistSample;
import io.layerwise.core.testing.TestContext;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reference workload W1 of {@code ../shared/bench/README.md}: 784-500 tied DAE, mask 0.3, sigmoid/sigmoid,
 * cross-entropy, SGD lr 0.1, 5 epochs, seed 1234, on the 8,000/2,000 MNIST sample in file order. Prints seconds per
 * epoch (epochs 2..5) and checks the epoch-5 training CE and the clean test CE against the PyTorch anchor (+- 1.0).
 * Slow (about 10 s per batch size): tagged, excluded by default; run with
 * {@code mvn -o test -pl bundles/model-dae -Dgroups=slow -DexcludedGroups=none -Dtest=MnistReferenceTest}.
 */
@Tag("slow")
class MnistReferenceTest {

    @ParameterizedTest(name = "batch {0}")
    @CsvSource({"20, 75.3, 75.2", "128, 84.3, 79.7"})
    void denoisingAutoencoderMatchesThePyTorchReference(int batch, double trainCe, double testCe) throws Exception {
        Path dir = MnistSample.directory();
        FloatMatrix train = MnistSample.images(dir.resolve("train-images-idx3-ubyte.gz"));
        FloatMatrix test = MnistSample.images(dir.resolve("t10k-images-idx3-ubyte.gz"));
        Spec spec = new Spec("stages[0]", Map.of("type", "dae", "hidden", 500,
                "noise", Map.of("kind", "mask", "level", 0.3),
                "train", Map.of("epochs", 5, "batch", batch, "optimizer", Map.of("kind", "sgd", "lr", 0.1))));
        spec.raw("type");
        double lastTrain = 0;
        double[] seconds = new double[5];
        Map<String, Double> metrics;
        try (Stage stage = new DaeStageProvider().create(spec, new TestContext(784, Dataset.UNIT, 1234))) {
            spec.rejectUnknownFields();
            int batches = stage.prepareTraining(train);
            for (int epoch = 0; epoch < stage.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    sum += stage.trainBatch(b);
                }
                seconds[epoch] = (System.nanoTime() - t0) / 1e9;
                lastTrain = sum / train.rows();
                System.out.printf("batch %d epoch %d: train CE %.3f, %.3f s%n", batch, epoch + 1, lastTrain, seconds[epoch]);
            }
            metrics = stage.evaluate(test);
        }
        double perEpoch = Arrays.stream(seconds, 1, 5).average().orElseThrow();
        System.out.printf("RESULT batch=%d trainCE=%.2f testCE=%.2f s/epoch(2..5)=%.3f epoch1=%.3f OMP_NUM_THREADS=%s"
                + " OPENBLAS_CORETYPE=%s env=%s%n", batch, lastTrain, metrics.get("testReconstructionCE"), perEpoch,
                seconds[0], System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_CORETYPE"),
                Nd4j.getExecutioner().getEnvironmentInformation().get("blas.threads"));
        assertEquals(trainCe, lastTrain, 1.0, "epoch-5 training CE");
        assertEquals(testCe, metrics.get("testReconstructionCE"), 1.0, "clean test CE");
    }
}
