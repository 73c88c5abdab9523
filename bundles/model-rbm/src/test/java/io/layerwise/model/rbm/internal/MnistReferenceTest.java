package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.testing.MnistSample;
import io.layerwise.core.testing.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reference workload W2 of {@code ../shared/bench/README.md}: Bernoulli RBM 784-500, CD-1, {@code W ~ N(0, 0.01^2)},
 * SGD lr 0.1 without momentum, 5 epochs, seed 1234, on the 8,000/2,000 MNIST sample in file order. Prints seconds per
 * epoch (epochs 2..5) and checks the test reconstruction cross-entropy after 5 epochs against the PyTorch anchor
 * (67.4 at batch 20, 98.6 at batch 128; +- 1.5). Slow (about 10 s per batch size): tagged, excluded by default; run
 * with {@code mvn -o test -pl bundles/model-rbm -Dgroups=slow -DexcludedGroups=none -Dtest=MnistReferenceTest}.
 */
@Tag("slow")
class MnistReferenceTest {

    @ParameterizedTest(name = "batch {0}")
    @CsvSource({"20, 67.4", "128, 98.6"})
    void cd1RbmMatchesThePyTorchReference(int batch, double testCe) throws Exception {
        Path dir = MnistSample.directory();
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "no MNIST sample at " + dir);
        FloatMatrix train = MnistSample.images(dir.resolve("train-images-idx3-ubyte.gz"));
        FloatMatrix test = MnistSample.images(dir.resolve("t10k-images-idx3-ubyte.gz"));
        Spec spec = new Spec("stages[0]", Map.of("type", "rbm", "hidden", 500, "k", 1, "initStd", 0.01,
                "train", Map.of("epochs", 5, "batch", batch, "optimizer", Map.of("kind", "sgd", "lr", 0.1))));
        spec.raw("type");
        double[] seconds = new double[5];
        Map<String, Double> metrics = Map.of();
        try (Stage stage = new RbmStageProvider().create(spec, new TestContext(784, Dataset.UNIT, 1234))) {
            spec.rejectUnknownFields();
            int batches = stage.prepareTraining(train);
            for (int epoch = 0; epoch < stage.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    sum += stage.trainBatch(b);
                }
                seconds[epoch] = (System.nanoTime() - t0) / 1e9;
                metrics = stage.evaluate(test);
                System.out.printf("batch %d epoch %d: train CE %.3f, %.3f s, %s%n", batch, epoch + 1,
                        sum / train.rows(), seconds[epoch], metrics);
            }
        }
        double perEpoch = Arrays.stream(seconds, 1, 5).average().orElseThrow();
        System.out.printf("RESULT batch=%d testCE=%.2f s/epoch(2..5)=%.3f epoch1=%.3f OMP_NUM_THREADS=%s"
                + " OPENBLAS_CORETYPE=%s blas.threads=%s%n", batch, metrics.get("testReconstructionCE"), perEpoch,
                seconds[0], System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_CORETYPE"),
                Nd4j.getExecutioner().getEnvironmentInformation().get("blas.threads"));
        assertEquals(testCe, metrics.get("testReconstructionCE"), 1.5, "test reconstruction CE after 5 epochs");
    }
}
