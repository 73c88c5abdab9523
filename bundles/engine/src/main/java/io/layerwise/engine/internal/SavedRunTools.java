package io.layerwise.engine.internal;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.pipeline.Encoding;
import io.layerwise.api.pipeline.Evaluation;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Stage;
import io.layerwise.data.files.MatrixFiles;
import io.layerwise.data.files.MatrixInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code evaluate} and {@code encode} of a saved run: what makes a run directory a reloadable model. */
final class SavedRunTools {
    private final Plugins plugins;

    SavedRunTools(Plugins plugins) {
        this.plugins = plugins;
    }

    Evaluation evaluate(Path runDir, Path dataDir) throws PipelineException {
        try {
            return evaluateSaved(runDir, dataDir);
        } catch (OutOfMemoryError e) {
            throw new PipelineException(runDir + ": " + MemoryBudget.outOfMemory("evaluating the saved run", e));
        }
    }

    private Evaluation evaluateSaved(Path runDir, Path dataDir) throws PipelineException {
        SavedRun saved = SavedRun.open(runDir);
        Dataset data = load(saved, dataDir);
        if (data.test() == null) {
            throw new PipelineException(runDir + ": the pipeline's data source has no held-out data to evaluate on");
        }
        FloatMatrix train = data.train();
        int[] trainLabels = data.trainLabels();
        if (saved.finetune != null) {
            // the rows the run trained on: validation rows were held out at the end
            int keep = train.rows() - fineTuneSection(saved).validationRows(train.rows());
            train = train.rows(0, keep);
            trainLabels = trainLabels == null ? null : java.util.Arrays.copyOf(trainLabels, keep);
        }
        List<Evaluation.Entry> entries = new ArrayList<>();
        int rows = Math.max(train.rows(), data.test().rows());
        try (SavedRun.Restored restored = saved.restore(plugins, saved.stages.size(), rows,
                MemoryBudget.bytes(data.train(), data.test()), saved.finetune != null)) {
            FloatMatrix trainCodes = train;
            FloatMatrix testCodes = data.test();
            List<DenseLayer> encoders = new ArrayList<>();
            List<DenseLayer> decoders = new ArrayList<>();
            for (int i = 0; i < restored.stages.size(); i++) {
                Stage stage = restored.stages.get(i);
                String where = "stage " + (i + 1) + " (" + saved.type(i) + ")";
                if (stage.trainable()) {
                    // metrics such as the free-energy gap compare with the rows the stage trained on
                    stage.prepareTraining(trainingRows(saved, i, trainCodes));
                }
                Map<String, Object> recorded = metricsOf(saved.savedEpoch(i));
                for (Map.Entry<String, Double> m : FilterConcentration.addTo(stage.evaluate(testCodes), stage).entrySet()) {
                    Object r = recorded.get(m.getKey());
                    entries.add(new Evaluation.Entry(where, m.getKey(), m.getValue(),
                            r instanceof Number n ? n.doubleValue() : Double.NaN));
                }
                Map<String, Object> recordedEnd = saved.stageMetrics(i);
                for (Map.Entry<String, Double> m : stage.finalMetrics(testCodes).entrySet()) {
                    Object r = recordedEnd.get(m.getKey());
                    entries.add(new Evaluation.Entry(where, m.getKey(), m.getValue(),
                            r instanceof Number n ? n.doubleValue() : Double.NaN));
                }
                if (saved.finetune != null) { // copies of the weights, for the fine-tuned network only
                    encoders.add(stage.encoderLayer());
                    decoders.add(stage.decoderLayer());
                }
                trainCodes = stage.encode(trainCodes);
                testCodes = stage.encode(testCodes);
            }
            if (saved.finetune != null && !encoders.contains(null)) {
                entries.add(fineTuned(saved, encoders, decoders, data, trainLabels));
            }
        }
        return new Evaluation(runDir, entries);
    }

    /** The saved run's finetune section, read as a pipeline's is; a bad one names pipeline.json and the field. */
    private static FineTuneSection fineTuneSection(SavedRun saved) throws PipelineException {
        try {
            return FineTuneSection.read(new Spec(FineTuneSection.PATH, saved.pipeline.finetune), saved.pipeline.finetune);
        } catch (SpecException e) {
            throw new PipelineException(saved.pipeline.file + ": " + e.getMessage(), e);
        }
    }

    /** The fine-tuned network's test error (classifier) or test squared error (unrolled autoencoder). */
    @SuppressWarnings("unchecked")
    private Evaluation.Entry fineTuned(SavedRun saved, List<DenseLayer> encoders, List<DenseLayer> decoders, Dataset data,
            int[] trainLabels) throws PipelineException {
        Map<String, Object> section = saved.pipeline.finetune;
        String head = fineTuneSection(saved).head();
        try (Lookup.Held<FineTuner> held = plugins.heads().take(head).orElseThrow(() -> new PipelineException(
                saved.dir.resolve("finetune/model.json") + ": needs fine-tuning head \"" + head + "\" (from "
                + saved.finetune.model().get("bundle") + "), which is not installed; installed: "
                + plugins.heads().listing()))) {
            FineTuner tuner = held.service();
            if (tuner == null) {
                throw new PipelineException(saved.dir.resolve("finetune/model.json") + ": fine-tuning head \"" + head
                        + "\" went away");
            }
            int classes = 0;
            for (int y : trainLabels == null ? new int[0] : trainLabels) {
                classes = Math.max(classes, y + 1);
            }
            Spec spec = new Spec(FineTuneSection.PATH, section);
            FineTuneSection.read(spec, section);
            long seed = saved.pipeline.seed + saved.stages.size();
            try (Network net = tuner.create(spec, encoders, decoders, data.train().cols(), classes, seed)) {
                net.restore(ModelFiles.load(saved.finetune).parameters());
                Map<String, Object> recorded = saved.finetuneHistory();
                if (!net.supervised()) {
                    double error = FineTuneStep.squaredError(data.test(), net.reconstruct(data.test()));
                    Object r = recorded.get("metrics") instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("testSquaredError")
                            : null;
                    return new Evaluation.Entry("finetune", "testSquaredError", error,
                            r instanceof Number n ? n.doubleValue() : Double.NaN);
                }
                double error = FineTuneStep.errorRate(net.predict(data.test()), data.testLabels());
                Object r = recorded.get("testError");
                return new Evaluation.Entry("finetune", "testError", error, r instanceof Number n ? n.doubleValue() : Double.NaN);
            }
        } catch (IllegalArgumentException e) {
            throw new PipelineException(saved.dir.resolve("finetune/model.json") + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        }
    }

    Encoding encode(Path runDir, Path input, Path output, int layer, boolean reconstruct, boolean header)
            throws PipelineException {
        try {
            return encodeSaved(runDir, input, output, layer, reconstruct, header);
        } catch (OutOfMemoryError e) {
            throw new PipelineException(input + ": " + MemoryBudget.outOfMemory((reconstruct ? "reconstructing" : "encoding")
                    + " it through " + runDir, e));
        }
    }

    private Encoding encodeSaved(Path runDir, Path input, Path output, int layer, boolean reconstruct, boolean header)
            throws PipelineException {
        SavedRun saved = SavedRun.open(runDir);
        int count = saved.stages.size();
        int top = layer == 0 ? (reconstruct ? 1 : count) : layer;
        if (top < 1 || top > count) {
            throw new PipelineException("--layer must be in [1, " + count + "] for " + runDir + ", got " + layer);
        }
        MatrixInput read;
        try {
            read = MatrixFiles.read(input, header);
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        }
        FloatMatrix x = read.matrix();
        try {
            Dataset.Scaling scaling = ScalingFile.read(runDir);
            if (scaling != null) {
                if (x.cols() != scaling.offset().length) {
                    throw new PipelineException(input + ": rows have " + x.cols() + " values, the data of " + runDir
                            + " had " + scaling.offset().length);
                }
                x = scaling.apply(x); // as the run's data source scaled its rows
            }
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        }
        try (SavedRun.Restored restored = saved.restore(plugins, top, x.rows(),
                MemoryBudget.bytes(x), false)) {
            Stage first = restored.stages.get(0);
            if (x.cols() != first.inputSize()) {
                throw new PipelineException(input + ": rows have " + x.cols() + " values, stage 1 of " + runDir + " takes "
                        + first.inputSize());
            }
            for (int i = 0; i < top - 1; i++) {
                x = restored.stages.get(i).encode(x);
            }
            Stage last = restored.stages.get(top - 1);
            FloatMatrix out = reconstruct ? last.reconstruct(x) : last.encode(x);
            if (out == null) {
                throw new PipelineException("stage " + top + " (" + saved.type(top - 1) + ") of " + runDir
                        + " has no decoder to reconstruct with");
            }
            MatrixFiles.writeCsv(out, output);
            return new Encoding(output, out.rows(), out.cols(), top, reconstruct, read.describe());
        } catch (IOException e) {
            throw new PipelineException(output + ": cannot write: " + e.getMessage(), e);
        }
    }

    private Dataset load(SavedRun saved, Path dataDir) throws PipelineException {
        Map<String, Object> section = new LinkedHashMap<>(saved.pipeline.data);
        String name = saved.pipeline.dataSource;
        if (dataDir != null) {
            section.put("dir", dataDir.toString());
        }
        try (Lookup.Held<DataSource> source = plugins.sources().take(name).orElseThrow(() -> new PipelineException(
                saved.dir.resolve("pipeline.json") + ": data.source \"" + name + "\" is not installed; installed: "
                + plugins.sources().listing()))) {
            if (source.service() == null) {
                throw new PipelineException(saved.dir.resolve("pipeline.json") + ": data source \"" + name
                        + "\" went away");
            }
            return source.service().load(new Spec("data", section));
        } catch (IOException | SpecException e) {
            throw new PipelineException(e.getMessage(), e);
        }
    }

    /** A stage's input less the validation rows it held out ({@code train.validation} in pipeline.json). */
    private static FloatMatrix trainingRows(SavedRun saved, int i, FloatMatrix input) throws PipelineException {
        Spec spec = new Spec("stages[" + i + "]", saved.pipeline.stages.get(i));
        try {
            ValidationSplit v = spec.has("train") ? TrainControl.read(spec).validation() : ValidationSplit.NONE;
            return v.split(input, null, saved.pipeline.seed + i).train();
        } catch (SpecException e) {
            throw new PipelineException(saved.pipeline.file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metricsOf(Map<String, Object> epoch) {
        return epoch.get("metrics") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
