package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The epoch loop on a scripted stage: validation rows, val_loss in history.json, early stopping and restoreBest. */
class EpochLoopTest {
    @TempDir
    Path dir;

    /**
     * A stage whose one parameter {@code w} is the number of epochs trained, whose training loss per sample is
     * {@code trainLoss[epoch - 1]} and whose validation loss is {@code valLoss[w - 1]}: restoring epoch {@code e}'s
     * parameters brings back epoch {@code e}'s validation loss, as with a real model.
     */
    static class ScriptedStage implements Stage {
        final double[] trainLoss;
        final double[] valLoss;
        final List<Integer> validationRows = new ArrayList<>();
        int trainingRows;
        float w;

        ScriptedStage(double[] trainLoss, double[] valLoss) {
            this.trainLoss = trainLoss;
            this.valLoss = valLoss;
        }

        @Override
        public int inputSize() {
            return 1;
        }

        @Override
        public int outputSize() {
            return 1;
        }

        @Override
        public String outputRange() {
            return "real";
        }

        @Override
        public boolean trainable() {
            return true;
        }

        @Override
        public int epochs() {
            return trainLoss.length;
        }

        @Override
        public int prepareTraining(FloatMatrix train) {
            trainingRows = train.rows();
            return 2;
        }

        @Override
        public double trainBatch(int batch) {
            if (batch == 0) {
                w++;
            }
            return trainLoss[(int) w - 1] * trainingRows / 2;
        }

        @Override
        public double loss(FloatMatrix rows) {
            validationRows.add(rows.rows());
            return valLoss[(int) w - 1];
        }

        @Override
        public Map<String, Double> evaluate(FloatMatrix heldOut) {
            return Map.of("testMetric", (double) w);
        }

        @Override
        public FloatMatrix encode(FloatMatrix input) {
            return input;
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(new Parameter("w", new int[] {1}, new float[] {w}));
        }

        @Override
        public void restore(List<Parameter> saved) {
            w = saved.get(0).values()[0];
        }

        @Override
        public void close() {
        }
    }

    /** What the job would have saved, epoch by epoch: the value of {@code w} at each save. */
    final List<Float> saved = new ArrayList<>();
    final List<String> logged = new ArrayList<>();
    final List<String> printed = new ArrayList<>();

    private Map<String, Object> train(ScriptedStage stage, TrainControl control) throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("run"), "p", "{}", "1");
        History.StageEntry entry = new History.StageEntry();
        entry.index = 1;
        entry.type = "scripted";
        History.StageEntry history = run.beginStage(entry);
        ProgressListener listener = new ProgressListener() {
            @Override
            public void epoch(int s, int epoch, int epochs, double loss, Map<String, Double> metrics, double seconds) {
                printed.add(epoch + " " + metrics.keySet());
            }
        };
        StageHost host = new StageHost() {
            @Override
            public boolean cancelRequested() {
                return false;
            }

            @Override
            public void progress(int epoch, int epochs, int done, int total, double meanLoss, double eta, double last,
                    double val) {
            }

            @Override
            public void save(List<Parameter> parameters) {
                saved.add(stage.w);
            }

            @Override
            public void log(String line) {
                logged.add(line);
            }
        };
        new EpochLoop(0, "scripted", stage, control, run, listener, dir, List.of(), host)
                .run(FloatMatrix.zeros(100, 1), FloatMatrix.zeros(10, 1), 3, history, null);
        return Json.parseObject(Files.readString(dir.resolve("run/history.json")), dir);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stageOf(Map<String, Object> history) {
        return ((List<Map<String, Object>>) history.get("stages")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> epochsOf(Map<String, Object> history) {
        return (List<Map<String, Object>>) stageOf(history).get("epochs");
    }

    /** The divergence of a held-out metric in epoch 1 points to no model folder: none was saved. */
    @Test
    void aMetricThatDivergesInTheFirstEpochSaysNoModelWasSavedRatherThanNamingAFolder() {
        ScriptedStage stage = new ScriptedStage(new double[] {9, 8}, new double[] {5, 4}) {
            @Override
            public Map<String, Double> evaluate(FloatMatrix heldOut) {
                return Map.of("freeEnergyGap", Double.POSITIVE_INFINITY);
            }
        };
        StageFailure e = assertThrows(StageFailure.class,
                () -> train(stage, new TrainControl(ValidationSplit.NONE, null)));
        assertEquals("stage 1 (scripted) epoch 1: metric freeEnergyGap is Infinity; no epoch finished, so no model was"
                + " saved", e.getMessage());
        assertTrue(saved.isEmpty());
    }

    @Test
    void valLossStopsTrainingAfterPatienceEpochsAndHistorySaysWhy() throws Exception {
        ScriptedStage stage = new ScriptedStage(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5},
                new double[] {5, 4, 3.5, 3.6, 3.4999, 3.7, 3.8, 1, 1, 1});
        Map<String, Object> h = train(stage, new TrainControl(new ValidationSplit(0.2, false),
                new EarlyStopping.Options("val_loss", 3, 0.001, false)));
        List<Map<String, Object>> epochs = epochsOf(h);
        assertEquals(6, epochs.size(), "epoch 3 was best; 4, 5 (not better by minDelta) and 6 were not");
        assertEquals(3.5, ((Number) epochs.get(2).get("val_loss")).doubleValue());
        assertEquals(7.0, ((Number) epochs.get(2).get("loss")).doubleValue());
        Map<String, Object> stopped = (Map<String, Object>) stageOf(h).get("stopped");
        assertEquals(6, ((Number) stopped.get("epoch")).intValue());
        assertEquals("val_loss", stopped.get("monitor"));
        assertEquals(3, ((Number) stopped.get("bestEpoch")).intValue());
        assertEquals("val_loss did not improve by minDelta 0.001 for 3 epochs (best 3.5 in epoch 3)", stopped.get("reason"));
        assertFalse(stageOf(h).containsKey("restoredEpoch"), "restoreBest is off: the last epoch's model stays");
        assertEquals(6f, saved.get(saved.size() - 1));
        assertEquals(80, ((Number) stageOf(h).get("trainSamples")).intValue());
        assertEquals(20, ((Number) stageOf(h).get("validationSamples")).intValue());
        assertEquals(List.of(20, 20, 20, 20, 20, 20), stage.validationRows);
        assertEquals(80, stage.trainingRows, "validation rows take no part in training");
        assertEquals("1 [val_loss, testMetric]", printed.get(0), "the listener gets val_loss first");
        assertTrue(logged.get(0).startsWith("stage 1 (scripted): stopped early after epoch 6: val_loss did not improve"),
                logged.toString());
    }

    @Test
    void restoreBestSavesTheBestEpochsParametersLast() throws Exception {
        ScriptedStage stage = new ScriptedStage(new double[] {9, 8, 7, 6, 5, 4, 3, 2},
                new double[] {5, 4, 3, 3.2, 3.1, 3.3, 1, 1});
        Map<String, Object> h = train(stage, new TrainControl(new ValidationSplit(0, true),
                new EarlyStopping.Options("val_loss", 3, 0, true)));
        assertEquals(6, epochsOf(h).size());
        assertEquals(3, ((Number) stageOf(h).get("restoredEpoch")).intValue());
        assertEquals("val_loss did not improve by minDelta 0 for 3 epochs (best 3 in epoch 3); restored epoch 3",
                ((Map<String, Object>) stageOf(h).get("stopped")).get("reason"));
        assertEquals(List.of(1f, 2f, 3f, 4f, 5f, 6f, 3f), saved, "every epoch saved, then the best one again");
        assertEquals(3f, stage.w, "the stage goes on (encoding, pictures) with the best parameters");
        assertEquals(List.of(10, 10, 10, 10, 10, 10), stage.validationRows, "\"test\": the 10 test rows");
        assertEquals(100, stage.trainingRows);
    }

    @Test
    void restoreBestWithoutAStopPutsBackABetterEarlierEpoch() throws Exception {
        ScriptedStage stage = new ScriptedStage(new double[] {3, 2, 2.5, 2.6}, new double[] {0, 0, 0, 0});
        Map<String, Object> h = train(stage, new TrainControl(ValidationSplit.NONE,
                new EarlyStopping.Options("loss", 5, 0, true)));
        assertEquals(4, epochsOf(h).size());
        assertFalse(stageOf(h).containsKey("stopped"), "ran every epoch");
        assertFalse(epochsOf(h).get(0).containsKey("val_loss"), "no validation rows, no val_loss");
        assertEquals(2, ((Number) stageOf(h).get("restoredEpoch")).intValue());
        assertEquals(2f, saved.get(saved.size() - 1));
        assertEquals("1 [testMetric]", printed.get(0));
    }

    @Test
    void aStopDecisionAtTheLastEpochIsNoEarlyStopButStillRestoresTheBest() throws Exception {
        ScriptedStage stage = new ScriptedStage(new double[] {3, 2, 4}, new double[] {0, 0, 0});
        Map<String, Object> h = train(stage, new TrainControl(ValidationSplit.NONE,
                new EarlyStopping.Options("loss", 1, 0, true)));
        assertEquals(3, epochsOf(h).size());
        assertFalse(stageOf(h).containsKey("stopped"));
        assertEquals(2, ((Number) stageOf(h).get("restoredEpoch")).intValue());
        assertEquals(2f, saved.get(saved.size() - 1));
    }

    @Test
    void withoutEarlyStoppingEveryEpochRunsAndTheLastModelStays() throws Exception {
        ScriptedStage stage = new ScriptedStage(new double[] {3, 4, 5}, new double[] {1, 2, 3});
        Map<String, Object> h = train(stage, new TrainControl(new ValidationSplit(0.1, false), null));
        assertEquals(3, epochsOf(h).size());
        assertEquals(List.of(1.0, 2.0, 3.0), epochsOf(h).stream().map(e -> ((Number) e.get("val_loss")).doubleValue())
                .toList());
        assertEquals(List.of(1f, 2f, 3f), saved);
        assertFalse(stageOf(h).containsKey("stopped") || stageOf(h).containsKey("restoredEpoch"));
    }

    /** saveEvery 2 over 5 epochs: the model and a checkpoint after epochs 2, 4 and the last, 5; every epoch recorded. */
    @Test
    void saveEverySavesEveryNthEpochAndTheLast() throws Exception {
        ScriptedStage stage = new ScriptedStage(new double[] {9, 8, 7, 6, 5}, new double[] {1, 2, 3, 4, 5});
        Map<String, Object> h = train(stage, new TrainControl(ValidationSplit.NONE, null, 0, 2));
        assertEquals(5, epochsOf(h).size());
        assertEquals(List.of(2f, 4f, 5f), saved);
    }

    @Test
    void aStageWithoutAValidationLossFailsNamingTheField() {
        ScriptedStage stage = new ScriptedStage(new double[] {3}, new double[] {1}) {
            @Override
            public double loss(FloatMatrix rows) {
                throw new UnsupportedOperationException("ScriptedStage computes no validation loss");
            }
        };
        var e = assertThrows(StageFailure.class,
                () -> train(stage, new TrainControl(new ValidationSplit(0.1, false), null)));
        assertTrue(e.getMessage().contains("remove stages[0].train.validation"), e.getMessage());
    }
}
