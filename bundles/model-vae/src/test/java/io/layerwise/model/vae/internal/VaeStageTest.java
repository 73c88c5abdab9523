package io.layerwise.model.vae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.nn.ShuffledRows;
import io.layerwise.core.testing.TestContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A small vae stage trained on synthetic binary data: its metrics, pictures, checkpoints and codes. */
class VaeStageTest {
    static final int N = 16;

    /** Rows made of two prototypes with 10% of the bits flipped: a structure the latent code can learn. */
    static FloatMatrix data(int rows, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * N];
        for (int b = 0; b < rows; b++) {
            int proto = r.nextInt(2);
            for (int i = 0; i < N; i++) {
                boolean on = proto == 0 ? i < N / 2 : i % 2 == 0;
                v[b * N + i] = (on ^ r.nextDouble() < 0.1) ? 1f : 0f;
            }
        }
        return new FloatMatrix(rows, N, v);
    }

    static VaeStage stage(Map<String, Object> extra) {
        Map<String, Object> fields = new java.util.HashMap<>(Map.of("hidden", List.of(12), "latent", 2, "iwSamples", 50,
                "train", Map.of("epochs", 4, "batch", 16, "optimizer", Map.of("kind", "adam", "lr", 0.01))));
        fields.putAll(extra);
        return (VaeStage) new VaeStageProvider().create(new Spec("stages[0]", fields), new TestContext(N, Dataset.UNIT, 3));
    }

    static double train(VaeStage s, FloatMatrix rows, int epochs) {
        int batches = s.prepareTraining(rows);
        double last = 0;
        for (int e = 0; e < epochs; e++) {
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                sum += s.trainBatch(b);
            }
            last = sum / rows.rows();
        }
        return last;
    }

    @Test
    void trainingLowersTheNegativeElboAndTheBoundsAreOrdered() {
        FloatMatrix train = data(400, 1);
        FloatMatrix test = data(200, 2);
        try (VaeStage s = stage(Map.of())) {
            s.prepareTraining(train);
            double before = s.evaluate(test).get("testNegativeElbo");
            train(s, train, 20);
            Map<String, Double> m = s.evaluate(test);
            double elbo = m.get("testNegativeElbo");
            assertEquals(elbo, m.get("testReconstruction") + m.get("testKL"), 1e-9);
            assertTrue(elbo < before - 2, "before " + before + ", after " + elbo);
            assertTrue(m.get("activeUnits") >= 1, m.toString());
            assertEquals(s.loss(test), elbo, 1e-9, "val_loss is the same figure with the same noise");
            double iw = s.finalMetrics(test).get("testLogLikelihoodIW");
            assertTrue(iw >= -elbo, "IW " + iw + " is the tighter bound against -ELBO " + -elbo);
            assertEquals(m, s.evaluate(test), "evaluation draws the same noise each time and changes nothing");
        }
    }

    @Test
    void aStageRestoredFromACheckpointTrainsOnBitForBit() {
        FloatMatrix train = data(100, 4);
        try (VaeStage a = stage(Map.of()); VaeStage b = stage(Map.of())) {
            train(a, train, 2);
            List<Parameter> params = a.parameters();
            TrainingState state = a.trainingState();
            b.prepareTraining(train);
            b.restore(params);
            b.restoreTrainingState(state);
            train(a, train, 2);
            train(b, train, 2);
            List<Parameter> pa = a.parameters();
            List<Parameter> pb = b.parameters();
            for (int i = 0; i < pa.size(); i++) {
                assertArrayEquals(pa.get(i).values(), pb.get(i).values(), pa.get(i).name());
            }
        }
    }

    @Test
    void shufflingChangesTheOrderButNotTheRowsOfAnEpoch() {
        int[] p = ShuffledRows.permutation(50, 7);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted[i]);
        }
        assertTrue(!Arrays.equals(p, sorted));
        assertArrayEquals(p, ShuffledRows.permutation(50, 7));
    }

    @Test
    void encodeIsThePosteriorMeanAndReconstructDecodesIt() {
        FloatMatrix rows = data(30, 5);
        try (VaeStage s = stage(Map.of("shuffle", false))) {
            train(s, data(100, 6), 3);
            FloatMatrix codes = s.encode(rows);
            assertEquals(30, codes.rows());
            assertEquals(2, codes.cols());
            assertArrayEquals(codes.data(), s.encode(rows).data(), "no noise in the code");
            FloatMatrix recon = s.reconstruct(rows);
            assertEquals(N, recon.cols());
            for (float v : recon.data()) {
                assertTrue(v > 0 && v < 1);
            }
        }
    }

    @Test
    void picturesAreSixtyFourSamplesAndForTwoLatentUnitsTheManifold() {
        try (VaeStage s = stage(Map.of())) {
            List<Picture> p = s.pictures(data(10, 1));
            assertEquals(List.of("samples", "manifold"), p.stream().map(Picture::name).toList());
            assertEquals(64, p.get(0).tiles().rows());
            assertEquals(400, p.get(1).tiles().rows());
        }
        try (VaeStage s = stage(Map.of("latent", 3))) {
            assertEquals(List.of("samples"), s.pictures(data(10, 1)).stream().map(Picture::name).toList());
        }
    }

    @Test
    void theNormalQuantileMatchesKnownValues() {
        assertEquals(0, VaePictures.quantile(0.5), 1e-12);
        assertEquals(1.959963984540054, VaePictures.quantile(0.975), 1e-8);
        assertEquals(-2.326347874040841, VaePictures.quantile(0.01), 1e-8);
        assertEquals(-1.6448536269514729, VaePictures.quantile(0.05), 1e-8);
    }

    @Test
    void anOverflowingLogVarianceFailsNamingTheKlAndTheLearningRate() {
        try (VaeStage s = stage(Map.of())) {
            s.prepareTraining(data(32, 1));
            s.vae().layers().get(2).b.assign(1e5); // the log-variance head's bias: sigma^2 = e^100000
            ArithmeticException e = org.junit.jupiter.api.Assertions.assertThrows(ArithmeticException.class,
                    () -> s.trainBatch(0));
            assertTrue(e.getMessage().startsWith("KL(q(z|x) || N(0, I)) is ") && e.getMessage().contains(
                    "stages[0].train.optimizer.lr"), e.getMessage());
        }
    }

    @Test
    void theMemoryEstimateCountsExactlyTheParametersHandedOut() {
        for (Map<String, Object> extra : List.<Map<String, Object>>of(Map.of(), Map.of("likelihood", "gaussian", "variance", 0.1))) {
            try (VaeStage s = stage(extra)) {
                long values = s.parameters().stream().mapToLong(p -> p.values().length).sum();
                assertEquals(4 * values, VaeMemory.parameterBytes(s.spec()), extra.toString());
            }
        }
        Spec spec = new Spec("stages[0]", Map.of("hidden", List.of(7), "latent", 3));
        try (VaeStage s = (VaeStage) new VaeStageProvider().create(spec, new TestContext(5, Dataset.REAL, 1))) {
            long values = s.parameters().stream().mapToLong(p -> p.values().length).sum();
            assertEquals(4 * values, VaeMemory.parameterBytes(s.spec()), "with a learned variance");
        }
    }
}
