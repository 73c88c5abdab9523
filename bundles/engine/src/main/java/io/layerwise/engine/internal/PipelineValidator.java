package io.layerwise.engine.internal;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.pipeline.RunOptions;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.engine.internal.PipelinePlan.StagePlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that can fail on bad input, before any output exists: parses the pipeline file, finds the data source
 * and every stage type, loads the data, and creates every stage once with the real input sizes to check its fields
 * and chain the sizes (and the fine-tuning head's network, when there is one). The result, a {@link PipelinePlan}
 * with the loaded data, is what the job runs: nothing is parsed twice.
 */
final class PipelineValidator {
    /** A validated pipeline, its data (less fine-tuning's validation rows) and, when it fine-tunes, the labelled rows. */
    record Validated(PipelinePlan plan, Dataset data, FineTuneStep.Labelled labelled) {
    }

    private final Plugins plugins;

    PipelineValidator(Plugins plugins) {
        this.plugins = plugins;
    }

    /**
     * @param dataDir         the data source's {@code dir} instead of the file's (resolved); null: the file's
     * @param checkpointEvery the engine's default for a trainable stage that sets none; 0: none
     */
    Validated validate(Path file, RunOptions options, Path dataDir, int checkpointEvery) throws PipelineException {
        PipelineFile pipeline = PipelineFile.read(file, options.sparkMaster());
        try (Lookup.Held<DataSource> source = plugins.sources().take(pipeline.dataSource).orElseThrow(
                () -> new PipelineException(file + ": data.source \"" + pipeline.dataSource
                        + "\" is not an installed data source; installed: " + plugins.sources().listing()))) {
            if (source.service() == null) {
                throw new PipelineException(file + ": data source \"" + pipeline.dataSource + "\" went away");
            }
            Spec dataSpec = pipeline.dataFields(dataDir);
            source.service().validate(dataSpec);
            dataSpec.rejectUnknownFields();
            checkStageTypes(file, pipeline);
            Dataset data = source.service().load(pipeline.dataFields(dataDir));
            List<DenseLayer> encoders = new ArrayList<>();
            List<DenseLayer> decoders = new ArrayList<>();
            List<StagePlan> stages = new ArrayList<>();
            List<Map<String, Object>> resolvedStages = validateStages(file, pipeline, data, options, checkpointEvery,
                    encoders, decoders, stages);
            FineTuneSection fineTune = null;
            FineTuneStep.Labelled labelled = null;
            Map<String, Object> resolved = new LinkedHashMap<>(pipeline.root.resolved());
            Map<String, Object> dataSection = new LinkedHashMap<>();
            dataSection.put("source", pipeline.dataSource);
            dataSection.putAll(dataSpec.resolved());
            resolved.put("data", dataSection);
            resolved.put("stages", resolvedStages);
            if (pipeline.spark != null) {
                resolved.put("execution", pipeline.spark.json()); // with --spark's master, so that resume goes on there
            }
            if (pipeline.finetune != null) {
                if (options.epochsOverride() > 0) {
                    pipeline.finetune.put("epochs", (long) options.epochsOverride());
                }
                Spec spec = new Spec(FineTuneSection.PATH, pipeline.finetune);
                fineTune = FineTuneSection.read(spec, PipelinePlan.frozen(pipeline.finetune));
                labelled = split(file, data, fineTune);
                validateFineTune(file, pipeline, fineTune, spec, encoders, decoders, labelled);
                resolved.put("finetune", spec.resolved());
                data = data.withTrainRows(0, labelled.train().rows());
            }
            PipelinePlan plan = new PipelinePlan(file, pipeline.name, pipeline.seed, pipeline.dataSource, stages,
                    fineTune, Json.toJson(resolved), pipeline.spark);
            return new Validated(plan, data, labelled);
        } catch (SpecException e) {
            throw new PipelineException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new PipelineException(file + ": " + MemoryBudget.outOfMemory("loading the data and checking the stages", e));
        }
    }

    /** Every stage type must have a provider now; the message lists the installed ones with their bundles. */
    private void checkStageTypes(Path file, PipelineFile pipeline) throws PipelineException {
        for (int i = 0; i < pipeline.stages.size(); i++) {
            String type = PipelineFile.stageType(pipeline.stages.get(i));
            if (!plugins.stages().has(type)) {
                throw new PipelineException(file + ": stages[" + i + "].type \"" + type
                        + "\" is not an installed stage type; installed: " + plugins.stages().listing());
            }
        }
    }

    /**
     * Creates each stage once with the real input sizes to check its fields (unknown, mistyped, out of range)
     * and applies {@code --epochs} and the default {@code checkpointEvery} (to a trainable stage that sets none);
     * adds each stage's plan to {@code plans} and returns the resolved stage specs for pipeline.json.
     */
    private List<Map<String, Object>> validateStages(Path file, PipelineFile pipeline, Dataset data, RunOptions options,
            int checkpointEvery, List<DenseLayer> encoders, List<DenseLayer> decoders, List<StagePlan> plans)
            throws PipelineException {
        List<Map<String, Object>> resolved = new ArrayList<>();
        int inputSize = data.train().cols();
        String range = data.valueRange();
        int rows = Math.max(data.train().rows(), data.test() == null ? 0 : data.test().rows());
        long dataBytes = MemoryBudget.bytes(data.train(), data.test());
        long kept = 0; // encoders and decoders of earlier stages, kept for fine-tuning
        for (int i = 0; i < pipeline.stages.size(); i++) {
            Map<String, Object> raw = pipeline.stages.get(i);
            String type = PipelineFile.stageType(raw);
            // a second pass when the first finds a trainable stage whose train section the engine completes
            for (int pass = 0; pass < 2; pass++) {
                final int index = i;
                try (Lookup.Held<StageProvider> provider = plugins.stages().take(type).orElseThrow(
                        () -> new PipelineException(file + ": stages[" + index + "].type \"" + type + "\" went away;"
                                + " installed: " + plugins.stages().listing()))) {
                    if (provider.service() == null) {
                        throw new PipelineException(file + ": stages[" + i + "].type \"" + type + "\": its bundle "
                                + provider.bundleAndVersion() + " went away");
                    }
                    Spec spec = new Spec("stages[" + i + "]", raw);
                    spec.text("type", null);
                    long inputBytes = i == 0 ? 0
                            : 4L * inputSize * (data.train().rows() + (data.test() == null ? 0 : data.test().rows()));
                    MemoryBudget budget = new MemoryBudget(MemoryBudget.Limits.ofThisJvm(), "stage " + (i + 1) + " ("
                            + type + ")", MemoryBudget.Held.training(dataBytes + inputBytes,
                            MemoryBudget.restoreBest(raw), pipeline.finetune != null, kept));
                    try (EngineStageContext context = new EngineStageContext(plugins.regularizers(), inputSize, range,
                            pipeline.seed + i, line -> { }).withMemory(rows, budget);
                            Stage stage = ProviderFailure.create(provider, i, type, spec, context)) {
                        TrainControl control = stage.trainable() ? TrainControl.read(spec) : null;
                        if (control != null) {
                            checkTrainControl(file, i, type, stage, control, data);
                        }
                        spec.rejectUnknownFields();
                        boolean defaultCheckpoints = checkpointEvery > 0 && !(raw.get("train") instanceof Map<?, ?> t
                                && t.containsKey("checkpointEvery"));
                        if (pass == 0 && control != null && (options.epochsOverride() > 0 || defaultCheckpoints)) {
                            if (options.epochsOverride() > 0) {
                                setTrain(raw, "epochs", (long) options.epochsOverride());
                            }
                            if (defaultCheckpoints) {
                                setTrain(raw, "checkpointEvery", (long) checkpointEvery);
                            }
                            continue;
                        }
                        resolved.add(spec.resolved());
                        plans.add(new StagePlan(i, type, raw, control));
                        if (pipeline.finetune != null) {
                            DenseLayer layer = stage.encoderLayer();
                            if (layer == null) {
                                throw new PipelineException(file + ": stages[" + i + "] (" + type + ") has no encoder"
                                        + " layer to fine-tune; remove the finetune section or this stage");
                            }
                            encoders.add(layer);
                            decoders.add(stage.decoderLayer());
                            kept += context.reserved() == null ? 0 : 2 * context.reserved().parameterBytes();
                        }
                        inputSize = stage.outputSize();
                        range = stage.outputRange();
                        break;
                    } catch (ProviderFailure e) {
                        throw new PipelineException(file + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        return resolved;
    }

    /**
     * A stage's validation rows must exist (the test split for {@code "test"}, at least one held-out and one training
     * row for a fraction), and the stage must compute a validation loss.
     */
    private static void checkTrainControl(Path file, int i, String type, Stage stage, TrainControl control, Dataset data)
            throws PipelineException {
        ValidationSplit v = control.validation();
        String at = "stages[" + i + "].train.validation";
        if (!v.any()) {
            return;
        }
        if (v.test() && (data.test() == null || data.test().rows() == 0)) {
            throw new PipelineException(file + ": " + at + " \"test\" needs test rows, but the data source has none;"
                    + " give a fraction of the training rows instead");
        }
        int n = data.train().rows();
        if (!v.test() && (v.heldOut(n) < 1 || v.heldOut(n) >= n)) {
            throw new PipelineException(file + ": " + at + " " + v.fraction() + " holds out " + v.heldOut(n) + " of "
                    + n + " training rows; it must hold out at least one and leave at least one");
        }
        try {
            stage.loss(new FloatMatrix(0, stage.inputSize(), new float[0]));
        } catch (UnsupportedOperationException e) {
            throw new PipelineException(file + ": " + at + ": stage type \"" + type + "\" computes no validation loss ("
                    + e.getMessage() + ")");
        }
    }

    /** The last {@code validation} fraction of the training rows is held out; labels come along where there are any. */
    private static FineTuneStep.Labelled split(Path file, Dataset data, FineTuneSection section)
            throws PipelineException {
        int n = data.train().rows();
        int held = section.validationRows(n);
        if (n - held < 1) {
            throw new PipelineException(file + ": finetune.validation " + section.validation() + " leaves no training rows of " + n);
        }
        int[] labels = data.trainLabels();
        int classes = 0;
        if (labels != null) {
            for (int y : labels) {
                classes = Math.max(classes, y + 1);
            }
        }
        return new FineTuneStep.Labelled(data.train().rows(0, n - held),
                labels == null ? null : Arrays.copyOfRange(labels, 0, n - held), data.train().rows(n - held, n),
                labels == null ? null : Arrays.copyOfRange(labels, n - held, n), data.test(), data.testLabels(), classes);
    }

    /** The head must be installed and accept the section; building its network once checks every field. */
    private void validateFineTune(Path file, PipelineFile pipeline, FineTuneSection section, Spec spec,
            List<DenseLayer> encoders, List<DenseLayer> decoders, FineTuneStep.Labelled labelled) throws PipelineException {
        try (Lookup.Held<FineTuner> tuner = plugins.heads().take(section.head()).orElseThrow(() -> new PipelineException(
                file + ": finetune.head \"" + section.head() + "\" is not an installed fine-tuning head; installed: "
                        + plugins.heads().listing()))) {
            if (tuner.service() == null) {
                throw new PipelineException(file + ": finetune.head \"" + section.head() + "\": its bundle "
                        + tuner.bundleAndVersion() + " went away");
            }
            try (Network net = tuner.service().create(spec, encoders, decoders, labelled.train().cols(),
                    labelled.classes(), pipeline.seed + pipeline.stages.size())) {
                spec.rejectUnknownFields();
                if (!net.supervised() && section.earlyStopping() != null
                        && section.earlyStopping().monitor().equals("val_error")) {
                    throw new PipelineException(file + ": finetune.earlyStopping.monitor \"val_error\" needs a"
                            + " classifying head; head \"" + section.head() + "\" reconstructs: monitor \"val_loss\"");
                }
                if (net.supervised() && labelled.trainLabels() == null) {
                    throw new PipelineException(file + ": finetune.head \"" + section.head() + "\" needs labels, but data"
                            + " source \"" + pipeline.dataSource + "\" gave none");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void setTrain(Map<String, Object> raw, String key, Object value) {
        Object train = raw.get("train");
        Map<String, Object> t = train instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                : new LinkedHashMap<>();
        t.put(key, value);
        raw.put("train", t);
    }
}
