package io.layerwise.model.dae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.testing.TestContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DaeStageProviderTest {
    final DaeStageProvider provider = new DaeStageProvider();

    @Test
    void noiseLevelOutOfRangeNamesItsPath() {
        Spec spec = new Spec("stages[1]", Map.of("noise", Map.of("kind", "mask", "level", 1.5)));
        SpecException e = assertThrows(SpecException.class,
                () -> provider.create(spec, new TestContext(784, Dataset.UNIT, 1)));
        assertEquals("stages[1].noise.level must be in [0, 1], got 1.5", e.getMessage());
    }

    @Test
    void gaussianNoiseTakesSigmaNotLevel() {
        Spec spec = new Spec("stages[1]", Map.of("hidden", 10, "noise", Map.of("kind", "gaussian", "level", 0.2)));
        try (Stage s = provider.create(spec, new TestContext(20, Dataset.UNIT, 1))) {
            SpecException e = assertThrows(SpecException.class, spec::rejectUnknownFields);
            assertEquals("stages[1].noise.level", e.path());
        }
        Spec bad = new Spec("stages[1]", Map.of("noise", Map.of("kind", "speckle")));
        assertEquals("stages[1].noise.kind", assertThrows(SpecException.class,
                () -> provider.create(bad, new TestContext(20, Dataset.UNIT, 1))).path());
    }

    @Test
    void overcompleteDaeWithoutNoiseOrRegularizerWarnsAboutTheIdentity() {
        TestContext noiseless = new TestContext(20, Dataset.UNIT, 1);
        provider.create(new Spec("stages[0]", Map.of("hidden", 20, "noise", Map.of("kind", "mask", "level", 0))),
                noiseless).close();
        assertEquals(1, noiseless.logged().size());
        assertTrue(noiseless.logged().get(0).startsWith("warning: stages[0].hidden = 20 >= 20 inputs with no regularizer"
                + " and no noise: this autoencoder can learn the identity map"), noiseless.logged().get(0));
        TestContext noisy = new TestContext(20, Dataset.UNIT, 1);
        provider.create(new Spec("stages[0]", Map.of("hidden", 40)), noisy).close(); // default mask 0.3
        TestContext narrow = new TestContext(20, Dataset.UNIT, 1);
        provider.create(new Spec("stages[0]", Map.of("hidden", 19, "noise", Map.of("kind", "gaussian", "sigma", 0))),
                narrow).close();
        assertEquals(List.of(), noisy.logged());
        assertEquals(List.of(), narrow.logged());
    }

    @Test
    void theDocumentedStageJsonIsReadCompletely() {
        Spec spec = new Spec("stages[1]", Map.of("hidden", 16, "tied", true, "encoder", "sigmoid", "decoder", "sigmoid",
                "loss", "cross-entropy", "noise", Map.of("kind", "salt-and-pepper", "level", 0.2),
                "train", Map.of("epochs", 2, "batch", 7, "optimizer", Map.of("kind", "sgd", "lr", 0.1, "momentum", 0.5))));
        try (Stage s = provider.create(spec, new TestContext(30, Dataset.UNIT, 1))) {
            spec.rejectUnknownFields();
            assertEquals(2, s.epochs());
            Random r = new Random(1);
            float[] v = new float[40 * 30];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextFloat();
            }
            FloatMatrix x = new FloatMatrix(40, 30, v);
            int batches = s.prepareTraining(x);
            assertEquals(6, batches); // 5 x 7 + 5
            double first = 0;
            double last = 0;
            for (int epoch = 0; epoch < 30; epoch++) {
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    sum += s.trainBatch(b);
                }
                if (epoch == 0) {
                    first = sum;
                }
                last = sum;
            }
            assertTrue(last < first, "training lowers the objective: " + first + " -> " + last);
            assertTrue(s.evaluate(x).get("testReconstructionCE") > 0);
        }
    }

    Stage adamDae(String noise) {
        Map<String, Object> n = noise.equals("gaussian") ? Map.of("kind", noise, "sigma", 0.3) : Map.of("kind", noise, "level", 0.3);
        return provider.create(new Spec("stages[1]", Map.of("hidden", 10, "noise", n,
                "train", Map.of("epochs", 3, "batch", 7, "optimizer", Map.of("kind", "adam", "lr", 0.01)))),
                new TestContext(30, Dataset.UNIT, 5));
    }

    static FloatMatrix rows(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 30];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new FloatMatrix(n, 30, v);
    }

    static double epoch(Stage s, int batches) {
        double sum = 0;
        for (int b = 0; b < batches; b++) {
            sum += s.trainBatch(b);
        }
        return sum;
    }

    /**
     * Two epochs, then a fresh stage of the same spec and seed given the parameters and the training state: its third
     * epoch is the original's, bit for bit (Adam's moments and step count, and the noise generator, carried over).
     * Without the training state the noise starts over and Adam's moments at zero: the epoch differs.
     */
    @ParameterizedTest(name = "noise={0}")
    @ValueSource(strings = {"mask", "gaussian", "salt-and-pepper"})
    void aDaeRestoredWithItsTrainingStateTrainsTheNextEpochBitForBit(String noise) {
        FloatMatrix x = rows(40, 1);
        try (Stage a = adamDae(noise); Stage b = adamDae(noise); Stage paramsOnly = adamDae(noise)) {
            int batches = a.prepareTraining(x);
            epoch(a, batches);
            epoch(a, batches);
            List<Parameter> saved = a.parameters();
            TrainingState state = a.trainingState();
            assertEquals(Set.of("optimizer.step", "optimizer.epoch", "corruption.rootState", "corruption.nodeState"),
                    state.counters().keySet());
            assertEquals(12, (long) state.counters().get("optimizer.step"));
            assertEquals(Set.of("optimizer.lr"), state.values().keySet());
            assertEquals(6, state.arrays().size(), "m and v of W, bh, bv");

            b.prepareTraining(x);
            b.restore(saved);
            b.restoreTrainingState(state);
            paramsOnly.prepareTraining(x);
            paramsOnly.restore(saved);

            assertEquals(epoch(a, batches), epoch(b, batches));
            assertEquals(a.parameters(), b.parameters());
            assertEquals(a.evaluate(x), b.evaluate(x));
            epoch(paramsOnly, batches);
            assertNotEquals(a.parameters(), paramsOnly.parameters());
        }
    }

    @Test
    void aNoiseStateWithoutItsGeneratorWordsIsNamed() {
        FloatMatrix x = rows(40, 1);
        try (Stage a = adamDae("mask")) {
            a.prepareTraining(x);
            TrainingState state = a.trainingState();
            Map<String, Long> counters = new java.util.HashMap<>(state.counters());
            counters.remove("corruption.nodeState");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.restoreTrainingState(new TrainingState(state.arrays(), state.values(), counters)));
            assertEquals("training state under corruption.: noise state must have exactly rootState and nodeState, got"
                    + " [rootState]", e.getMessage());
        }
    }
}
