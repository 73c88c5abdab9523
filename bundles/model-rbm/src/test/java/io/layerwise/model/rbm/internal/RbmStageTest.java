package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.testing.TestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RbmStageTest {
    static final int N = 50;
    static final int INPUTS = 16;

    static RbmStage stage(Map<String, Object> fields, String range, int inputs, long seed) {
        Map<String, Object> f = new HashMap<>(Map.of("hidden", 7, "sampleSteps", List.of(1, 5, 20),
                "ais", Map.of("runs", 20, "temperatures", 200)));
        f.putAll(fields);
        if (fields.containsKey("sampleEvery")) {
            f.remove("sampleSteps");
        }
        Spec spec = new Spec("stages[0]", f);
        RbmStage s = (RbmStage) new RbmStageProvider().create(spec, new TestContext(inputs, range, seed));
        spec.rejectUnknownFields();
        return s;
    }

    static RbmStage stage(boolean persistent, int batch, double lr, long seed) {
        return stage(Map.of("persistent", persistent, "k", 2,
                "train", Map.of("batch", batch, "optimizer", Map.of("lr", lr))), Dataset.UNIT, INPUTS, seed);
    }

    /** 4x4 images with one horizontal or vertical bar on, a little grey noise elsewhere: values in [0, 1]. */
    static FloatMatrix bars(int rows, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * INPUTS];
        for (int n = 0; n < rows; n++) {
            int bar = r.nextInt(8);
            for (int i = 0; i < INPUTS; i++) {
                boolean on = bar < 4 ? i / 4 == bar : i % 4 == bar - 4;
                v[n * INPUTS + i] = on ? 1f - 0.1f * r.nextFloat() : 0.1f * r.nextFloat();
            }
        }
        return new FloatMatrix(rows, INPUTS, v);
    }

    static double train(RbmStage s, FloatMatrix x, int epochs) {
        int batches = s.prepareTraining(x);
        double last = 0;
        for (int e = 0; e < epochs; e++) {
            last = 0;
            for (int b = 0; b < batches; b++) {
                last += s.trainBatch(b);
            }
        }
        return last / x.rows();
    }

    @ParameterizedTest(name = "persistent={0}")
    @ValueSource(booleans = {false, true})
    void parametersRestoreRoundTripsBitIdentically(boolean persistent) {
        try (RbmStage a = stage(persistent, 20, 0.1, 1); RbmStage b = stage(persistent, 20, 0.1, 2)) {
            train(a, bars(N, 3), 2);
            List<Parameter> saved = a.parameters();
            assertEquals(List.of("W", "bh", "bv"), saved.stream().map(Parameter::name).toList());
            assertArrayEquals(new int[] {INPUTS, 7}, saved.get(0).shape());
            assertNotEquals(saved, b.parameters());
            b.restore(saved);
            assertEquals(saved, b.parameters());
            assertEquals(a.encode(bars(10, 4)), b.encode(bars(10, 4)));
            assertEquals(a.reconstruct(bars(10, 4)), b.reconstruct(bars(10, 4)));
            train(b, bars(N, 3), 1); // the restored stage trains on (fresh chains, fresh velocity)
        }
    }

    @Test
    void restoreNamesAMissingOrMisshapenParameterAndChangesNothing() {
        try (RbmStage a = stage(false, 20, 0.1, 1)) {
            List<Parameter> saved = a.parameters();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.restore(saved.subList(0, 2)));
            assertTrue(e.getMessage().contains("bv"), e.getMessage());
            Parameter wrong = new Parameter("bh", new int[] {6}, new float[6]);
            e = assertThrows(IllegalArgumentException.class, () -> a.restore(List.of(saved.get(0), wrong, saved.get(2))));
            assertTrue(e.getMessage().contains("bh") && e.getMessage().contains("[7]"), e.getMessage());
            assertEquals(saved, a.parameters());
        }
    }

    @ParameterizedTest(name = "persistent={0}")
    @ValueSource(booleans = {false, true})
    void sameSeedGivesIdenticalTrainingAndAnotherSeedDoesNot(boolean persistent) {
        FloatMatrix x = bars(N, 5);
        List<List<Parameter>> params = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (long seed : new long[] {9, 9, 10}) {
            try (RbmStage s = stage(persistent, 20, 0.1, seed)) {
                losses.add(train(s, x, 3));
                params.add(s.parameters());
                s.pictures(x).forEach(p -> losses.add((double) java.util.Arrays.hashCode(p.tiles().data())));
            }
        }
        assertEquals(params.get(0), params.get(1));
        assertEquals(losses.get(0), losses.get(2));
        assertEquals(losses.get(1), losses.get(3), "samples.png is seeded too");
        assertNotEquals(params.get(0), params.get(2));
    }

    @Test
    void batchLossesAddUpToTheMeanFieldReconstructionErrorOverPartialBatches() {
        // lr so small that the parameters do not move: the batch sums are N times the mean reconstruction CE
        try (RbmStage s = stage(false, 20, 1e-12, 1)) {
            FloatMatrix x = bars(N, 6);
            assertEquals(3, s.prepareTraining(x)); // 20 + 20 + 10
            double sum = 0;
            for (int b = 0; b < 3; b++) {
                sum += s.trainBatch(b);
            }
            double mean = s.evaluate(x).get("testReconstructionCE");
            assertEquals(mean, sum / N, 1e-5 * mean);
            assertEquals(sum / N, s.loss(x), 1e-5 * mean, "the validation loss is what trainBatch reports");
            assertThrows(IllegalStateException.class, () -> s.trainBatch(3));
        }
    }

    @ParameterizedTest(name = "persistent={0}")
    @ValueSource(booleans = {false, true})
    void validationLossBetweenBatchesDrawsNoSampleAndChangesNoParameter(boolean persistent) {
        try (RbmStage a = stage(persistent, 20, 0.1, 1); RbmStage b = stage(persistent, 20, 0.1, 1)) {
            FloatMatrix x = bars(N, 6);
            FloatMatrix val = bars(30, 12);
            a.prepareTraining(x);
            b.prepareTraining(x);
            for (int i = 0; i < 3; i++) {
                var before = a.parameters();
                double first = a.loss(val);
                assertEquals(before, a.parameters());
                assertEquals(first, a.loss(val));
                assertEquals(b.trainBatch(i), a.trainBatch(i), "the Gibbs chains drew the same samples");
            }
            assertEquals(b.parameters(), a.parameters());
        }
    }

    @ParameterizedTest(name = "persistent={0}")
    @ValueSource(booleans = {false, true})
    void trainingOnBarsLowersTheReconstructionErrorAndOpensAFreeEnergyGap(boolean persistent) {
        try (RbmStage s = stage(Map.of("hidden", 8, "persistent", persistent,
                "train", Map.of("batch", 10, "optimizer", Map.of("lr", 0.1, "momentum", 0.5))), Dataset.UNIT, INPUTS, 3)) {
            FloatMatrix train = bars(200, 7);
            FloatMatrix test = bars(100, 8);
            s.prepareTraining(train);
            Map<String, Double> before = s.evaluate(test);
            assertEquals(List.of("testReconstructionCE", "freeEnergyGap", "pseudoLogLikelihood", "testLogLikelihoodAIS",
                    "aisLogZ", "aisLogWeightStd", "aisEffectiveRuns"), List.copyOf(before.keySet()),
                    "an RBM not trained here (a reloaded one) gets the AIS likelihood");
            train(s, train, 30);
            Map<String, Double> after = s.evaluate(test);
            assertTrue(after.get("testLogLikelihoodAIS") > before.get("testLogLikelihoodAIS") + 1, before + " -> " + after);
            assertTrue(after.get("testReconstructionCE") < 0.6 * before.get("testReconstructionCE"), before + " -> " + after);
            assertTrue(after.get("pseudoLogLikelihood") > before.get("pseudoLogLikelihood"), before + " -> " + after);
            assertEquals(0.0, s.evaluate(train).get("freeEnergyGap"), 1e-4, "held-out = the training rows: no gap");
            Random r = new Random(9);
            float[] noise = new float[100 * INPUTS];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = r.nextFloat();
            }
            double gap = s.evaluate(new FloatMatrix(100, INPUTS, noise)).get("freeEnergyGap");
            assertTrue(gap > 1, "random images are far less likely than bars: " + gap);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"adam", "rmsprop", "nesterov"})
    void otherOptimizersTrainTheRbmAndFollowTheSchedule(String kind) {
        double lr = kind.equals("nesterov") ? 0.05 : 0.03;
        try (RbmStage s = stage(Map.of("hidden", 8, "train", Map.of("batch", 10, "optimizer", Map.of("kind", kind, "lr", lr,
                "schedule", Map.of("kind", "exponential", "gamma", 0.95)))), Dataset.UNIT, INPUTS, 3)) {
            FloatMatrix train = bars(200, 7);
            FloatMatrix test = bars(100, 8);
            s.prepareTraining(train);
            double before = s.evaluate(test).get("testReconstructionCE");
            train(s, train, 20);
            double after = s.evaluate(test).get("testReconstructionCE");
            assertTrue(after < 0.6 * before, kind + ": " + before + " -> " + after);
            assertEquals(19, s.optimizer().epoch(), "batch 0 starts each epoch");
            assertEquals(lr * Math.pow(0.95, 19), s.optimizer().learningRate(), 1e-15);
        }
    }

    /**
     * The one-bit-flip estimate's expectation is the pseudo-log-likelihood {@code sum_i log p(v_i | v_-i)}, with
     * {@code p(v_i | v_-i) = sigm(F(v with bit i flipped) - F(v))}. Over 40,000 copies of one vector the estimate's
     * standard error is about {@code 4 * 1 / sqrt(40000) = 0.02}; tolerance 0.1.
     */
    @Test
    void pseudoLogLikelihoodEstimatesTheSumOfLogConditionals() {
        try (Rbm tiny = RbmTest.tiny(VisibleUnits.BERNOULLI, 21);
                RbmStage s = stage(Map.of("hidden", RbmTest.H), Dataset.UNIT, RbmTest.V, 1)) {
            s.restore(List.of(new Parameter("W", new int[] {RbmTest.V, RbmTest.H}, floats(tiny.weights().data().asDouble())),
                    new Parameter("bh", new int[] {RbmTest.H}, floats(tiny.hiddenBias().data().asDouble())),
                    new Parameter("bv", new int[] {RbmTest.V}, floats(tiny.visibleBias().data().asDouble()))));
            double[] v = {1, 0, 1, 1};
            double[][] flips = new double[RbmTest.V + 1][];
            flips[RbmTest.V] = v;
            for (int i = 0; i < RbmTest.V; i++) {
                flips[i] = v.clone();
                flips[i][i] = 1 - v[i];
            }
            double[] f = tiny.freeEnergy(RbmTest.rows(flips));
            double exact = 0;
            for (int i = 0; i < RbmTest.V; i++) {
                exact += -Math.log1p(Math.exp(-(f[i] - f[RbmTest.V])));
            }
            int n = 40_000;
            float[] rows = new float[n * RbmTest.V];
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < RbmTest.V; i++) {
                    rows[r * RbmTest.V + i] = (float) (v[i] == 1 ? 0.8 : 0.3); // rounded to v
                }
            }
            assertEquals(exact, s.pseudoLogLikelihood(new FloatMatrix(n, RbmTest.V, rows)), 0.1);
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * Gaussian visible units on standardised real data (every column mean 0, variance 1) drawn from two binary
     * causes: the squared reconstruction error falls and the metrics are those of real-valued input.
     */
    @Test
    void gaussianVisibleUnitsLearnStandardisedRealData() {
        int rows = 400;
        int n = 12;
        Random r = new Random(11);
        double[][] causes = new double[2][n];
        for (double[] c : causes) {
            for (int i = 0; i < n; i++) {
                c[i] = 2 * r.nextGaussian();
            }
        }
        double[] x = new double[rows * n];
        for (int k = 0; k < rows; k++) {
            boolean a = r.nextBoolean();
            boolean b = r.nextBoolean();
            for (int i = 0; i < n; i++) {
                x[k * n + i] = (a ? causes[0][i] : 0) + (b ? causes[1][i] : 0) + 0.3 * r.nextGaussian();
            }
        }
        float[] standardised = new float[x.length];
        for (int i = 0; i < n; i++) {
            double mean = 0;
            double sq = 0;
            for (int k = 0; k < rows; k++) {
                mean += x[k * n + i] / rows;
            }
            for (int k = 0; k < rows; k++) {
                sq += Math.pow(x[k * n + i] - mean, 2) / rows;
            }
            for (int k = 0; k < rows; k++) {
                standardised[k * n + i] = (float) ((x[k * n + i] - mean) / Math.sqrt(sq));
            }
        }
        FloatMatrix data = new FloatMatrix(rows, n, standardised);
        try (RbmStage s = stage(Map.of("hidden", 6, "train", Map.of("batch", 20, "optimizer",
                Map.of("lr", 0.01, "momentum", 0.5))), Dataset.REAL, n, 5)) {
            assertEquals(VisibleUnits.GAUSSIAN, s.spec().units());
            s.prepareTraining(data);
            Map<String, Double> before = s.evaluate(data);
            assertEquals(List.of("testReconstructionSE", "freeEnergyGap", "testLogLikelihoodAIS", "aisLogZ",
                    "aisLogWeightStd", "aisEffectiveRuns"), List.copyOf(before.keySet()));
            assertEquals(n, before.get("testReconstructionSE"), 0.5, "with tiny weights E[v|h] is about bv = 0");
            double first = train(s, data, 1);
            double last = train(s, data, 40);
            Map<String, Double> after = s.evaluate(data);
            assertTrue(Double.isFinite(last) && last < 0.6 * first, "training SE " + first + " -> " + last);
            assertTrue(after.get("testReconstructionSE") < 0.5 * n, before + " -> " + after);
            List<Picture> pictures = s.pictures(data);
            assertEquals(Picture.Scaling.PER_TILE, pictures.get(0).scaling());
        }
    }

    /**
     * The training step works in its preallocated arrays. After a warm-up epoch (which allocates the buffers of
     * each batch size and the persistent chains), more epochs run inside an ND4J workspace that takes every array
     * created in its scope: it must stay empty. (A GEMM that copied a view, or an op that allocated its result,
     * would land there.)
     */
    @ParameterizedTest(name = "persistent={0}, penalty={1}")
    @CsvSource({"false, false", "true, false", "false, true"})
    void trainingStepsCreateNoArrays(boolean persistent, boolean penalty) {
        Map<String, Object> fields = new HashMap<>(Map.of("hidden", 64, "persistent", persistent, "k", 2,
                "train", Map.of("batch", 20, "optimizer", Map.of("lr", 0.01, "momentum", 0.5))));
        TestContext ctx = new TestContext(INPUTS, Dataset.UNIT, 3,
                TestContext.fixed(Map.of("in-place", new InPlacePenalty())));
        if (penalty) {
            fields.put("regularizers", List.of(Map.of("name", "in-place")));
        }
        try (RbmStage s = (RbmStage) new RbmStageProvider().create(new Spec("stages[0]", fields), ctx)) {
            FloatMatrix x = bars(210, 1); // ten batches of 20 and one of 10
            train(s, x, 1);
            WorkspaceConfiguration strict = WorkspaceConfiguration.builder().initialSize(1 << 20)
                    .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE)
                    .policySpill(SpillPolicy.FAIL).build();
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(strict, "rbm-step")) {
                for (int e = 0; e < 3; e++) {
                    for (int b = 0; b < 11; b++) {
                        s.trainBatch(b);
                    }
                }
                assertEquals(0, ws.getPrimaryOffset(), "bytes of arrays created by 33 training steps");
            }
        }
    }

    /** A penalty whose hooks add into the gradients in place (so that any array created is the stage's). */
    static final class InPlacePenalty implements Penalty {
        @Override
        public double onHidden(INDArray hidden, INDArray gradHidden) {
            gradHidden.addi(hidden);
            return 0;
        }

        @Override
        public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
            gradWeights.addi(weights);
            return 0;
        }

        @Override
        public String describe() {
            return "in-place";
        }
    }

    @Test
    void samplesPictureShowsTenChainsFromTheTestRowsAfterEachLabelledStepCount() {
        try (RbmStage s = stage(false, 20, 0.1, 1)) {
            train(s, bars(N, 3), 5);
            FloatMatrix heldOut = bars(30, 4);
            List<Picture> pictures = s.pictures(heldOut);
            assertEquals(1, pictures.size());
            Picture p = pictures.get(0);
            assertEquals("samples", p.name());
            assertEquals(10, p.columns());
            assertEquals(Picture.Scaling.UNIT, p.scaling());
            assertEquals(List.of("test digits", "1 step", "5 steps", "20 steps"), p.rowLabels());
            assertEquals(40, p.tiles().rows());
            assertEquals(INPUTS, p.tiles().cols());
            assertArrayEquals(heldOut.rows(0, 10).data(), p.tiles().rows(0, 10).data(), "the chains start at the rows");
            for (float v : p.tiles().data()) {
                assertTrue(v >= 0 && v <= 1, "a probability: " + v);
            }
            assertEquals(4 * 3, s.pictures(bars(3, 4)).get(0).tiles().rows(), "fewer held-out rows, fewer chains");
            assertEquals(p, s.pictures(heldOut).get(0), "drawn from a generator of its own: the same each time");
        }
        try (RbmStage none = stage(Map.of("sampleSteps", List.of()), Dataset.UNIT, INPUTS, 1)) {
            assertEquals(List.of(), none.pictures(bars(30, 4)));
        }
        try (RbmStage old = stage(Map.of("sampleEvery", 3), Dataset.UNIT, INPUTS, 1);
                RbmStage none = stage(Map.of("sampleEvery", 0), Dataset.UNIT, INPUTS, 1)) {
            assertEquals(List.of(3, 6, 9, 12, 15, 18, 21, 24, 27, 30), old.spec().sampleSteps(), "saved runs' field");
            assertEquals(List.of(), none.pictures(bars(30, 4)));
        }
    }

    @Test
    void testLogLikelihoodByAisAfterTheLastEpochMatchesTheExactOne() {
        Map<String, Object> fields = Map.of("k", 1, "train", Map.of("epochs", 3, "batch", 10),
                "ais", Map.of("runs", 100, "temperatures", 2000));
        try (RbmStage s = stage(fields, Dataset.UNIT, INPUTS, 5)) {
            FloatMatrix heldOut = bars(40, 6);
            int batches = s.prepareTraining(bars(N, 3));
            for (int epoch = 1; epoch <= 3; epoch++) {
                for (int b = 0; b < batches; b++) {
                    s.trainBatch(b);
                }
                Map<String, Double> m = s.evaluate(heldOut);
                assertEquals(epoch == 3, m.containsKey("testLogLikelihoodAIS"), "only after the last epoch: " + m);
            }
            Map<String, Double> m = s.evaluate(heldOut);
            double exactZ = ExactPartition.logZ(s.rbm());
            double exact = 0;
            FloatMatrix binary = TestLikelihood.binarised(heldOut, 5);
            for (int r = 0; r < binary.rows(); r++) {
                exact -= s.rbm().freeEnergy(Nd4j.create(binary.rows(r, r + 1).data(), new long[] {1, INPUTS}))[0];
            }
            exact = exact / binary.rows() - exactZ;
            assertEquals(exactZ, m.get("aisLogZ"), 0.02);
            assertEquals(exact, m.get("testLogLikelihoodAIS"), 0.02);
            assertTrue(exact < -1 && exact > -INPUTS * Math.log(2), "a trained model beats uniform bits: " + exact);
            assertTrue(m.get("aisEffectiveRuns") > 50 && m.get("aisEffectiveRuns") <= 100, m.toString());
            assertTrue(m.get("aisLogWeightStd") > 0 && m.get("aisLogWeightStd") < 1, m.toString());
            assertEquals(m, s.evaluate(heldOut), "seeded: the same estimate each time");
            for (float v : binary.data()) {
                assertTrue(v == 0f || v == 1f);
            }
        }
        try (RbmStage restored = stage(fields, Dataset.UNIT, INPUTS, 5);
                RbmStage off = stage(Map.of("ais", Map.of("runs", 0)), Dataset.UNIT, INPUTS, 5)) {
            restored.prepareTraining(bars(N, 3)); // layerwise:eval: a saved model, no epoch trained here
            assertTrue(restored.evaluate(bars(40, 6)).containsKey("testLogLikelihoodAIS"));
            off.prepareTraining(bars(N, 3));
            assertFalse(off.evaluate(bars(40, 6)).containsKey("testLogLikelihoodAIS"));
        }
    }

    @Test
    void encodeGivesHiddenProbabilitiesAndReconstructKeepsTheShape() {
        try (RbmStage s = stage(false, 20, 0.1, 1)) {
            FloatMatrix code = s.encode(bars(N, 7));
            FloatMatrix rec = s.reconstruct(bars(N, 7));
            assertEquals(N, code.rows());
            assertEquals(7, code.cols());
            assertEquals(N, rec.rows());
            assertEquals(INPUTS, rec.cols());
            for (float v : code.data()) {
                assertTrue(v > 0 && v < 1);
            }
            for (float v : rec.data()) {
                assertTrue(v > 0 && v < 1);
            }
            assertEquals(Dataset.UNIT, s.outputRange());
            assertEquals("W", s.filters().name());
            assertArrayEquals(new int[] {INPUTS, 7}, s.filters().shape());
            assertThrows(IllegalArgumentException.class, () -> s.encode(FloatMatrix.zeros(2, INPUTS + 1)));
        }
    }

    @Test
    void initialWeightsHaveTheRequestedStandardDeviationAndZeroBiases() {
        try (RbmStage s = stage(Map.of("hidden", 500, "initStd", 0.05), Dataset.UNIT, 784, 3)) {
            float[] w = s.parameters().get(0).values();
            double mean = 0;
            double sq = 0;
            for (float v : w) {
                mean += v / (double) w.length;
                sq += v * (double) v / w.length;
            }
            assertEquals(0, mean, 5 * 0.05 / Math.sqrt(w.length));
            assertEquals(0.05, Math.sqrt(sq - mean * mean), 0.05 * 5 / Math.sqrt(2.0 * w.length));
            for (Parameter bias : s.parameters().subList(1, 3)) {
                assertArrayEquals(new float[bias.values().length], bias.values(), bias.name());
            }
        }
    }

    static RbmStage resumable(boolean persistent, int k) {
        return stage(Map.of("persistent", persistent, "k", k, "train", Map.of("epochs", 3, "batch", 20,
                "optimizer", Map.of("kind", "sgd", "lr", 0.1, "momentum", 0.5))), Dataset.UNIT, INPUTS, 1);
    }

    /** One epoch as the engine runs it: every batch, then the epoch's metrics; the summed loss and the metrics. */
    static List<Object> epoch(RbmStage s, int batches, FloatMatrix heldOut) {
        double sum = 0;
        for (int b = 0; b < batches; b++) {
            sum += s.trainBatch(b);
        }
        return List.of(sum, s.evaluate(heldOut));
    }

    /**
     * Two epochs, then a fresh stage of the same spec and seed given the parameters and the training state (momentum,
     * the Gibbs sampler's generator and, for PCD, the chains): its third epoch, parameters, metrics (free-energy gap,
     * pseudo-likelihood) are the original's, bit for bit. Without the training state they differ.
     */
    @ParameterizedTest(name = "persistent={0} k={1}")
    @CsvSource({"false, 1", "true, 3"})
    void anRbmRestoredWithItsTrainingStateTrainsTheNextEpochBitForBit(boolean persistent, int k) {
        FloatMatrix x = bars(N, 3);
        FloatMatrix heldOut = bars(20, 4);
        try (RbmStage a = resumable(persistent, k); RbmStage b = resumable(persistent, k);
                RbmStage paramsOnly = resumable(persistent, k)) {
            int batches = a.prepareTraining(x);
            epoch(a, batches, heldOut);
            epoch(a, batches, heldOut);
            List<Parameter> saved = a.parameters();
            TrainingState state = a.trainingState();
            List<String> counters = new ArrayList<>(List.of("optimizer.epoch", "optimizer.step", "sampler.nodeState",
                    "sampler.rootState"));
            List<String> arrays = new ArrayList<>(List.of("optimizer.velocity.0", "optimizer.velocity.1",
                    "optimizer.velocity.2"));
            if (persistent) {
                counters.add(0, "chains.started");
                arrays.add(0, "chains.h");
            }
            assertEquals(counters, state.counters().keySet().stream().sorted().toList());
            assertEquals(arrays, state.arrays().stream().map(Parameter::name).sorted().toList());
            if (persistent) {
                assertArrayEquals(new int[] {20, 7}, state.arrays().stream().filter(p -> p.name().equals("chains.h"))
                        .findFirst().orElseThrow().shape());
            }

            b.prepareTraining(x);
            b.restore(saved);
            b.restoreTrainingState(state);
            paramsOnly.prepareTraining(x);
            paramsOnly.restore(saved);

            assertEquals(epoch(a, batches, heldOut), epoch(b, batches, heldOut));
            assertEquals(a.parameters(), b.parameters());
            assertEquals(a.trainingState().arrays(), b.trainingState().arrays());
            epoch(paramsOnly, batches, heldOut);
            assertNotEquals(a.parameters(), paramsOnly.parameters());
        }
    }

    @Test
    void restoreTrainingStateNamesMissingChainsAndRejectsChainsForCd() {
        FloatMatrix x = bars(N, 3);
        try (RbmStage pcd = resumable(true, 2); RbmStage cd = resumable(false, 2)) {
            int batches = pcd.prepareTraining(x);
            epoch(pcd, batches, x);
            TrainingState state = pcd.trainingState();
            List<Parameter> noChains = state.arrays().stream().filter(p -> !p.name().equals("chains.h")).toList();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pcd.restoreTrainingState(
                    new TrainingState(noChains, state.values(), state.counters())));
            assertEquals("training state has no array chains.h [20, 7]", e.getMessage());
            List<Parameter> wide = state.arrays().stream().map(p -> p.name().equals("chains.h")
                    ? new Parameter("chains.h", new int[] {10, 14}, p.values()) : p).toList();
            e = assertThrows(IllegalArgumentException.class, () -> pcd.restoreTrainingState(
                    new TrainingState(wide, state.values(), state.counters())));
            assertEquals("training state array chains.h has shape [10, 14], expected [20, 7]", e.getMessage());

            cd.prepareTraining(x);
            e = assertThrows(IllegalArgumentException.class, () -> cd.restoreTrainingState(state));
            assertEquals("training state has entries this stage does not use: [chains.h, chains.started]",
                    e.getMessage());
        }
    }
}
