package io.layerwise.core.ae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.testing.TestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

class AutoencoderStageTest {
    static final int N = 50;
    static final int INPUTS = 12;

    static AutoencoderStage stage(boolean tied, int batch, double lr, long seed) {
        Spec spec = new Spec("stages[0]", Map.of("hidden", 7, "tied", tied,
                "train", Map.of("batch", batch, "optimizer", Map.of("lr", lr))));
        return new AutoencoderStage(AutoencoderSpec.read(spec, TestContext.withNoOpPenalties(INPUTS, Dataset.UNIT, seed)), seed,
                Corruption.NONE);
    }

    static AutoencoderStage stage(Map<String, ?> optimizer, int epochs, long seed) {
        Spec spec = new Spec("stages[0]", Map.of("hidden", 7, "train", Map.of("epochs", epochs, "batch", 10,
                "optimizer", optimizer)));
        AutoencoderStage s = new AutoencoderStage(AutoencoderSpec.read(spec, TestContext.withNoOpPenalties(INPUTS, Dataset.UNIT, seed)),
                seed, Corruption.NONE);
        spec.rejectUnknownFields();
        return s;
    }

    /** Epochs as the engine runs them: every batch index in order. */
    static void train(AutoencoderStage s, FloatMatrix x) {
        int batches = s.prepareTraining(x);
        for (int e = 0; e < s.epochs(); e++) {
            for (int b = 0; b < batches; b++) {
                s.trainBatch(b);
            }
        }
    }

    static FloatMatrix data(long seed) {
        Random r = new Random(seed);
        float[] v = new float[N * INPUTS];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new FloatMatrix(N, INPUTS, v);
    }

    @ParameterizedTest(name = "tied={0}")
    @ValueSource(booleans = {true, false})
    void parametersRestoreRoundTripsBitIdentically(boolean tied) {
        try (AutoencoderStage a = stage(tied, 20, 0.1, 1); AutoencoderStage b = stage(tied, 20, 0.1, 2)) {
            a.prepareTraining(data(3));
            a.trainBatch(0);
            List<Parameter> saved = a.parameters();
            assertEquals(tied ? List.of("W", "bh", "bv") : List.of("W", "bh", "bv", "Wdec"),
                    saved.stream().map(Parameter::name).toList());
            assertNotEquals(saved, b.parameters());
            b.restore(saved);
            assertEquals(saved, b.parameters());
            assertEquals(a.encode(data(4)), b.encode(data(4)));
        }
    }

    @Test
    void restoreNamesAMissingOrMisshapenParameter() {
        try (AutoencoderStage a = stage(true, 20, 0.1, 1)) {
            List<Parameter> saved = a.parameters();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.restore(saved.subList(0, 2)));
            assertTrue(e.getMessage().contains("bv"), e.getMessage());
            Parameter wrong = new Parameter("bh", new int[] {6}, new float[6]);
            e = assertThrows(IllegalArgumentException.class, () -> a.restore(List.of(saved.get(0), wrong, saved.get(2))));
            assertTrue(e.getMessage().contains("bh"), e.getMessage());
        }
    }

    @Test
    void sameSeedGivesIdenticalParametersAfterAFewBatches() {
        try (AutoencoderStage a = stage(false, 20, 0.1, 9); AutoencoderStage b = stage(false, 20, 0.1, 9)) {
            FloatMatrix x = data(5);
            a.prepareTraining(x);
            b.prepareTraining(x);
            for (int i = 0; i < 3; i++) {
                assertEquals(a.trainBatch(i), b.trainBatch(i));
            }
            assertEquals(a.parameters(), b.parameters());
        }
    }

    @Test
    void partialLastBatchCountsAndLossesAddUpToTheEvaluatedLoss() {
        // lr so small that the parameters do not move: the batch sums must add up to N times the mean loss
        try (AutoencoderStage a = stage(true, 20, 1e-12, 1)) {
            FloatMatrix x = data(6);
            assertEquals(3, a.prepareTraining(x)); // 20 + 20 + 10
            double sum = 0;
            for (int b = 0; b < 3; b++) {
                sum += a.trainBatch(b);
            }
            double mean = a.evaluate(x).get("testReconstructionCE");
            assertEquals(mean, sum / N, 1e-4 * mean);
            assertEquals(mean, a.loss(x), "the validation loss is the training objective's data term");
            assertThrows(IllegalStateException.class, () -> a.trainBatch(3));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"adam", "rmsprop", "adagrad", "nesterov"})
    void everyOptimizerKindTrainsTheStage(String kind) {
        // 12 binary-ish inputs that are copies of 3 bits: 7 hidden units can learn them
        Random r = new Random(8);
        float[] v = new float[N * INPUTS];
        for (int n = 0; n < N; n++) {
            int bits = r.nextInt(8);
            for (int i = 0; i < INPUTS; i++) {
                v[n * INPUTS + i] = (bits >> (i % 3) & 1) == 1 ? 0.9f : 0.1f;
            }
        }
        FloatMatrix x = new FloatMatrix(N, INPUTS, v);
        double lr = kind.equals("nesterov") ? 0.1 : kind.equals("adagrad") ? 0.1 : 0.01;
        try (AutoencoderStage s = stage(Map.of("kind", kind, "lr", lr), 30, 4)) {
            double before = s.evaluate(x).get("testReconstructionCE");
            train(s, x);
            double after = s.evaluate(x).get("testReconstructionCE");
            assertTrue(after < 0.6 * before, kind + ": " + before + " -> " + after);
            assertEquals(kind, s.optimizer().state().kind());
        }
    }

    @Test
    void batchZeroStartsTheNextEpochOfTheSchedule() {
        try (AutoencoderStage s = stage(Map.of("kind", "adam", "lr", 0.01,
                "schedule", Map.of("kind", "step", "every", 1, "factor", 0.5)), 3, 1)) {
            assertEquals(-1, s.optimizer().epoch());
            train(s, data(2));
            assertEquals(2, s.optimizer().epoch(), "three epochs: 0, 1, 2");
            assertEquals(0.0025, s.optimizer().learningRate(), 1e-15);
            assertEquals(15, s.optimizer().steps(), "3 epochs of 5 batches");
            s.restore(s.parameters());
            assertEquals(-1, s.optimizer().epoch(), "new parameters, fresh optimizer state");
        }
    }

    @Test
    void validationLossBetweenBatchesChangesNeitherParametersNorTraining() {
        try (AutoencoderStage a = stage(false, 20, 0.1, 9); AutoencoderStage b = stage(false, 20, 0.1, 9)) {
            FloatMatrix x = data(5);
            FloatMatrix val = data(11);
            a.prepareTraining(x);
            b.prepareTraining(x);
            for (int i = 0; i < 3; i++) {
                var before = a.parameters();
                double first = a.loss(val);
                assertEquals(before, a.parameters());
                assertEquals(first, a.loss(val), "no state moves between two calls");
                assertEquals(b.trainBatch(i), a.trainBatch(i));
            }
            assertEquals(b.parameters(), a.parameters());
            assertTrue(Double.isNaN(a.loss(new FloatMatrix(0, a.inputSize(), new float[0]))));
        }
    }

    @Test
    void encodeAndReconstructKeepRowsAndRanges() {
        try (AutoencoderStage a = stage(true, 20, 0.1, 1)) {
            FloatMatrix code = a.encode(data(7));
            FloatMatrix rec = a.reconstruct(data(7));
            assertEquals(N, code.rows());
            assertEquals(7, code.cols());
            assertEquals(INPUTS, rec.cols());
            for (float v : rec.data()) {
                assertTrue(v > 0 && v < 1);
            }
            assertEquals(Dataset.UNIT, a.outputRange());
            Parameter w = a.filters();
            assertEquals("W", w.name());
            assertArrayEquals(new int[] {INPUTS, 7}, w.shape());
        }
    }

    /** {@code (lambda/2) ||W||^2}: stateless. */
    record L2(double lambda) implements Penalty {
        @Override
        public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
            gradWeights.addi(weights.mul(lambda));
            return lambda / 2 * weights.norm2Number().doubleValue() * weights.norm2Number().doubleValue();
        }

        @Override
        public String describe() {
            return "l2(lambda=" + lambda + ")";
        }
    }

    /** Counts the batches it saw and keeps the count as its state; adds nothing to the objective. */
    static final class Counting implements Penalty {
        double seen;

        @Override
        public double onHidden(INDArray hidden, INDArray gradHidden) {
            seen++;
            return 0;
        }

        @Override
        public Map<String, double[]> state() {
            return Map.of("seen", new double[] {seen});
        }

        @Override
        public void restoreState(Map<String, double[]> state) {
            if (!state.containsKey("seen")) {
                throw new IllegalArgumentException("no seen");
            }
            seen = state.get("seen")[0];
        }

        @Override
        public String describe() {
            return "counting";
        }
    }

    /** SGD with momentum 0.9 and an l2 penalty, 20-row batches (the last partial), plus a stateful test penalty. */
    static AutoencoderStage momentumStage(long seed) {
        Spec spec = new Spec("stages[0]", Map.of("hidden", 7, "train", Map.of("epochs", 3, "batch", 20,
                "optimizer", Map.of("kind", "sgd", "lr", 0.1, "momentum", 0.9))));
        AutoencoderSpec read = AutoencoderSpec.read(spec, TestContext.withNoOpPenalties(INPUTS, Dataset.UNIT, seed));
        AutoencoderSpec withPenalties = new AutoencoderSpec(read.architecture(), read.training(),
                List.of(new L2(1e-3), new Counting()));
        return new AutoencoderStage(withPenalties, seed, Corruption.NONE);
    }

    /** One epoch as the engine runs it: every batch, then the epoch's metrics; returns the summed loss. */
    static double epoch(AutoencoderStage s, int batches, FloatMatrix heldOut) {
        double sum = 0;
        for (int b = 0; b < batches; b++) {
            sum += s.trainBatch(b);
        }
        s.evaluate(heldOut);
        return sum;
    }

    @Test
    void aStageRestoredWithItsTrainingStateTrainsTheNextEpochBitForBit() {
        FloatMatrix x = data(3);
        FloatMatrix val = data(4);
        try (AutoencoderStage a = momentumStage(1); AutoencoderStage b = momentumStage(1);
                AutoencoderStage paramsOnly = momentumStage(1)) {
            int batches = a.prepareTraining(x);
            epoch(a, batches, val);
            epoch(a, batches, val);
            List<Parameter> saved = a.parameters();
            TrainingState state = a.trainingState();
            assertEquals(new TreeSet<>(List.of("optimizer.velocity.0", "optimizer.velocity.1", "optimizer.velocity.2")),
                    new TreeSet<>(state.arrays().stream().map(Parameter::name).toList()));
            assertEquals(Map.of("optimizer.step", 6L, "optimizer.epoch", 1L), state.counters());
            assertEquals(new TreeSet<>(List.of("optimizer.lr", "penalty.1.seen")), new TreeSet<>(state.values().keySet()));
            assertArrayEquals(new double[] {6}, state.values().get("penalty.1.seen"));

            assertEquals(batches, b.prepareTraining(x));
            b.restore(saved);
            b.restoreTrainingState(state);
            paramsOnly.prepareTraining(x);
            paramsOnly.restore(saved);

            double lossA = epoch(a, batches, val);
            assertEquals(lossA, epoch(b, batches, val));
            assertEquals(a.parameters(), b.parameters());
            assertEquals(a.trainingState().counters(), b.trainingState().counters());
            epoch(paramsOnly, batches, val);
            assertNotEquals(a.parameters(), paramsOnly.parameters(), "without the momentum the epoch differs");
        }
    }

    @Test
    void restoreTrainingStateNamesAMissingMisshapenOrUnknownEntry() {
        FloatMatrix x = data(3);
        try (AutoencoderStage a = momentumStage(1); AutoencoderStage b = momentumStage(1)) {
            int batches = a.prepareTraining(x);
            epoch(a, batches, x);
            TrainingState state = a.trainingState();
            b.prepareTraining(x);

            List<Parameter> arrays = state.arrays().stream().filter(p -> !p.name().equals("optimizer.velocity.1")).toList();
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> b.restoreTrainingState(
                    new TrainingState(arrays, state.values(), state.counters())));
            assertTrue(missing.getMessage().contains("velocity.1"), missing.getMessage());

            List<Parameter> misshapen = state.arrays().stream().map(p -> p.name().equals("optimizer.velocity.0")
                    ? new Parameter(p.name(), new int[] {7, INPUTS}, p.values()) : p).toList();
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> b.restoreTrainingState(
                    new TrainingState(misshapen, state.values(), state.counters())));
            assertTrue(shape.getMessage().contains("velocity.0") && shape.getMessage().contains("[7, 12]"),
                    shape.getMessage());

            Map<String, Long> counters = new HashMap<>(state.counters());
            counters.remove("optimizer.step");
            IllegalArgumentException step = assertThrows(IllegalArgumentException.class, () -> b.restoreTrainingState(
                    new TrainingState(state.arrays(), state.values(), counters)));
            assertTrue(step.getMessage().contains("step"), step.getMessage());

            Map<String, double[]> values = new HashMap<>(state.values());
            values.remove("penalty.1.seen");
            IllegalArgumentException penalty = assertThrows(IllegalArgumentException.class, () -> b.restoreTrainingState(
                    new TrainingState(state.arrays(), values, state.counters())));
            assertTrue(penalty.getMessage().contains("penalty.1.") && penalty.getMessage().contains("counting"),
                    penalty.getMessage());

            Map<String, Long> extra = new HashMap<>(state.counters());
            extra.put("chains.started", 1L);
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> b.restoreTrainingState(
                    new TrainingState(state.arrays(), state.values(), extra)));
            assertTrue(unknown.getMessage().contains("[chains.started]"), unknown.getMessage());
        }
    }
}
