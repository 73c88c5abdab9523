package io.layerwise.model.sparse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.testing.TestContext;
import io.layerwise.regularizers.internal.KlSparsityRegularizer;
import io.layerwise.regularizers.internal.L2Regularizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sparse autoencoder trained by {@code lbfgs}: the recipe of issue 20, its refusals, and scipy's figures. */
class SparseAeLbfgsTest {
    static final double RHO = 0.05;

    private static TestContext context(int inputSize, long seed) {
        return new TestContext(inputSize, Dataset.UNIT, seed, TestContext.byName(Map.of(
                "kl-sparsity", new KlSparsityRegularizer()::configure, "l2", new L2Regularizer()::configure)));
    }

    final SparseAeStageProvider provider = new SparseAeStageProvider();

    /** The sweep's recipe: untied, squared error, kl-sparsity on the whole batch's mean, l2 on both weight matrices. */
    static Spec recipe(double beta, int iterations) {
        return new Spec("stages[0]", Map.of("hidden", 196, "tied", false, "loss", "squared",
                "regularizers", List.of(Map.of("name", "kl-sparsity", "rho", RHO, "beta", beta, "lambda", 0.0),
                        Map.of("name", "l2", "lambda", 0.003, "decoder", true)),
                "train", Map.of("epochs", iterations, "optimizer", Map.of("kind", "lbfgs"))));
    }

    @Test
    void withLbfgsTheDefaultKlSparsityTakesTheWholeBatchMean() {
        Spec spec = new Spec("stages[0]", Map.of("hidden", 10, "train", Map.of("optimizer", Map.of("kind", "lbfgs"))));
        provider.create(spec, context(20, 1)).close();
        spec.rejectUnknownFields();
        assertEquals(List.of(Map.of("name", "kl-sparsity", "rho", 0.05, "beta", 0.1, "lambda", 0.0, "epsilon", 1e-6)),
                spec.resolved().get("regularizers"));
    }

    @Test
    void lbfgsRefusesARunningAverageNamingTheRegularizer() {
        Spec spec = new Spec("stages[1]", Map.of("hidden", 10, "train", Map.of("optimizer", Map.of("kind", "lbfgs")),
                "regularizers", List.of(Map.of("name", "kl-sparsity", "lambda", 0.9))));
        SpecException e = assertThrows(SpecException.class, () -> provider.create(spec, context(20, 1)));
        assertTrue(e.getMessage().startsWith("stages[1].regularizers[0] kl-sparsity(rho=0.05, beta=0.1, lambda=0.9,"
                + " epsilon=1.0E-6) depends on earlier minibatches"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(kl-sparsity: \"lambda\": 0)"), e.getMessage());
    }

    /**
     * On 400 noisy bar images the objective falls every iteration (the line search accepts only lower points), the
     * loss the stage reports is the objective, and meanActivation is that of the parameters reached.
     */
    @Test
    void everyIterationLowersTheObjective() {
        FloatMatrix x = SparseAeStageProviderTest.bars(400, 2);
        Spec spec = new Spec("stages[0]", Map.of("hidden", 30, "tied", false, "loss", "squared",
                "regularizers", List.of(Map.of("name", "kl-sparsity", "beta", 3.0, "lambda", 0.0)),
                "train", Map.of("epochs", 60, "optimizer", Map.of("kind", "lbfgs"))));
        try (Stage s = provider.create(spec, context(64, 3))) {
            assertEquals(1, s.prepareTraining(x), "one fixed batch");
            double last = Double.POSITIVE_INFINITY;
            Map<String, Double> m = null;
            for (int k = 0; k < 60 && s.stopReason() == null; k++) {
                double objective = s.trainBatch(0) / x.rows();
                assertTrue(objective < last, "iteration " + (k + 1) + ": " + objective + " after " + last);
                last = objective;
                m = s.evaluate(x);
            }
            assertEquals(RHO, m.get("meanActivation"), 0.25 * RHO, m.toString());
        }
    }
}
