package io.layerwise.model.sparse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.testing.MnistSample;
import io.layerwise.core.testing.TestContext;
import io.layerwise.regularizers.internal.KlSparsityRegularizer;
import io.layerwise.regularizers.internal.L2Regularizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sparse autoencoder of config/pipelines/mnist-sparse-beta-0.1.json (784-196 untied, beta 0.1, rho 0.05, l2 3e-3 on
 * both weight matrices, kl-sparsity on the whole batch's mean) trained by lbfgs for 400 iterations on the 8,000
 * sample digits, against scipy's L-BFGS-B on the same objective in float64:
 * {@code python3 tools/lbfgs-reference/sparse_ae.py --beta 0.1 --seeds 1} (scipy 1.17.1, Layerwise's initial
 * distribution, numpy's draws) printed objective 12.4744 / 11.5774 / 11.4620 / 11.4290 after 100 / 200 / 300 / 400
 * iterations, mean activation 0.1748 and filter concentration 0.8517. Layerwise (float32, seed 1235) measured
 * 12.4369 / 11.5923 / 11.4625 / 11.4287 and 0.1753. Two different starts, so the 1% band is the comparison the
 * issue asks for (the objective still falls 0.3% from iteration 300 to 400, 7% from 100 to 400, so a wrong
 * gradient or a weak line search that slows the descent leaves the band). 313 s on the shared 2-core machine under
 * load (scipy ran beside it); skipped where the sample is absent.
 */
class SparseAeLbfgsReferenceTest {
    static final double SCIPY_OBJECTIVE_400 = 11.4290;
    static final double SCIPY_MEAN_ACTIVATION = 0.1748;

    @Test
    void objectiveAfter400IterationsIsWithinOnePercentOfScipys() throws Exception {
        Path dir = MnistSample.directory();
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "no MNIST sample at " + dir);
        FloatMatrix x = MnistSample.images(dir.resolve("train-images-idx3-ubyte.gz"));
        TestContext context = new TestContext(784, Dataset.UNIT, 1235, TestContext.byName(Map.of(
                "kl-sparsity", new KlSparsityRegularizer()::configure, "l2", new L2Regularizer()::configure)));
        try (Stage s = new SparseAeStageProvider().create(SparseAeLbfgsTest.recipe(0.1, 400), context)) {
            s.prepareTraining(x);
            double objective = Double.NaN;
            for (int k = 1; k <= 400; k++) {
                objective = s.trainBatch(0) / x.rows();
                assertNull(s.stopReason(), "iteration " + k);
            }
            assertEquals(SCIPY_OBJECTIVE_400, objective, 0.01 * SCIPY_OBJECTIVE_400);
            double mean = s.evaluate(x).get("meanActivation");
            assertEquals(SCIPY_MEAN_ACTIVATION, mean, 0.1 * SCIPY_MEAN_ACTIVATION, "mean activation, not rho 0.05");
        }
    }
}
