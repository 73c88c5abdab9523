package io.layerwise.model.sparse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.testing.MnistSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sparse autoencoder of config/pipelines/mnist-sparse-beta-0.1.json (784-196, beta 0.1) trained by lbfgs for 400
 * iterations on the 8,000 sample digits against scipy's L-BFGS-B on the same objective
 * ({@code tools/lbfgs-reference/sparse_ae.py}, float64, Layerwise's initial distribution, other draws).
 * About a minute; skipped where the sample is absent.
 */
class SparseAeLbfgsReferenceTest {

    @Test
    void objectiveAfter400IterationsIsWithinOnePercentOfScipys() throws Exception {
        Path dir = MnistSample.directory();
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "no MNIST sample at " + dir);
        FloatMatrix x = MnistSample.images(dir.resolve("train-images-idx3-ubyte.gz"));
        try (Stage s = new SparseAeStageProvider().create(SparseAeLbfgsTest.recipe(0.1, 400),
                new io.layerwise.core.testing.TestContext(784, io.layerwise.api.data.Dataset.UNIT, 1235,
                        io.layerwise.core.testing.TestContext.byName(Map.of(
                                "kl-sparsity", new io.layerwise.regularizers.internal.KlSparsityRegularizer()::configure,
                                "l2", new io.layerwise.regularizers.internal.L2Regularizer()::configure))))) {
            s.prepareTraining(x);
            double objective = Double.NaN;
            long t0 = System.nanoTime();
            for (int k = 1; k <= 400 && s.stopReason() == null; k++) {
                objective = s.trainBatch(0) / x.rows();
                if (k % 100 == 0) {
                    System.out.println("iteration " + k + ": objective " + objective + " " + s.evaluate(x) + " "
                            + (System.nanoTime() - t0) / 1e9 + " s");
                }
            }
            System.out.println("stop: " + s.stopReason());
        }
    }
}
