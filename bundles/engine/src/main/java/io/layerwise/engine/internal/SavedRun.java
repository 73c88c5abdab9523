package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A finished run directory read back: {@code pipeline.json} (checked as a pipeline file is: {@link PipelineFile}),
 * {@code history.json} and each stage's {@code model.json}, all checked before any stage is built or any array read
 * ({@link ModelFiles#readHeader}). {@link #restore} builds the stages with the providers installed now, each after its
 * provider has reserved its memory (and the saved parameters have been found the size the spec makes), and loads the
 * saved parameters into them.
 */
final class SavedRun {
    final Path dir;
    final PipelineFile pipeline;
    final Map<String, Object> history;
    final List<ModelFiles.Header> stages;
    /** The fine-tuned network, or null when the pipeline had no finetune section. */
    final ModelFiles.Header finetune;

    private SavedRun(Path dir, PipelineFile pipeline, Map<String, Object> history, List<ModelFiles.Header> stages,
            ModelFiles.Header finetune) {
        this.dir = dir;
        this.pipeline = pipeline;
        this.history = history;
        this.stages = stages;
        this.finetune = finetune;
    }

    static SavedRun open(Path dir) throws PipelineException {
        if (!Files.isDirectory(dir)) {
            throw new PipelineException(dir + ": no such run directory");
        }
        Path pipelineFile = dir.resolve("pipeline.json");
        if (!Files.isRegularFile(pipelineFile)) {
            throw new PipelineException(pipelineFile + ": missing; is " + dir + " a run directory?");
        }
        PipelineFile pipeline = PipelineFile.read(pipelineFile);
        try {
            Path historyFile = dir.resolve("history.json");
            Map<String, Object> history = Files.isRegularFile(historyFile)
                    ? Json.parseObject(Files.readString(historyFile), historyFile) : Map.of();
            List<ModelFiles.Header> stages = new ArrayList<>();
            for (int i = 0; i < pipeline.stages.size(); i++) {
                String t = PipelineFile.stageType(pipeline.stages.get(i));
                if (!RunDirectory.SAFE_TYPE.matcher(t).matches()) {
                    throw new IOException(pipelineFile + ": stages[" + i + "].type must be a stage type name, got " + t);
                }
                ModelFiles.Header saved = ModelFiles.readHeader(dir.resolve(RunDirectory.stageFolder(i, t)));
                checkSizes(saved.json(), saved.model(), t, stages.isEmpty() ? null : stages.get(stages.size() - 1).model());
                stages.add(saved);
            }
            ModelFiles.Header finetune = pipeline.finetune != null ? ModelFiles.readHeader(dir.resolve("finetune")) : null;
            return new SavedRun(dir, pipeline, history, stages, finetune);
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        }
    }

    /**
     * The sizes in a stage's model.json: {@code type} as in pipeline.json, {@code inputSize} and {@code outputSize}
     * whole numbers in [1, 2^31), and {@code inputSize} equal to the previous stage's {@code outputSize}.
     */
    private static void checkSizes(Path model, Map<String, Object> header, String type, Map<String, Object> previous)
            throws IOException {
        if (!type.equals(header.get("type"))) {
            throw new IOException(model + ": type is " + header.get("type") + ", pipeline.json says " + type);
        }
        int in = size(model, header, "inputSize");
        size(model, header, "outputSize");
        if (previous != null && in != ((Number) previous.get("outputSize")).intValue()) {
            throw new IOException(model + ": inputSize is " + in + ", but the previous stage's outputSize is "
                    + previous.get("outputSize") + " (the stages do not fit together)");
        }
        if (!(header.get("spec") instanceof Map<?, ?>)) {
            throw new IOException(model + ": spec must be the stage's JSON object, got " + header.get("spec"));
        }
    }

    private static int size(Path model, Map<String, Object> header, String key) throws IOException {
        if (header.get(key) instanceof Long n && n >= 1 && n <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new IOException(model + ": " + key + " must be a whole number in [1, " + Integer.MAX_VALUE + "], got "
                + header.get(key));
    }

    /** The {@code metrics} of stage {@code index}'s entry (its {@code Stage.finalMetrics}); empty when none. */
    @SuppressWarnings("unchecked")
    Map<String, Object> stageMetrics(int index) {
        if (history.get("stages") instanceof List<?> list && index < list.size()
                && list.get(index) instanceof Map<?, ?> stage && stage.get("metrics") instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        return Map.of();
    }

    /**
     * The record in history.json of the epoch whose parameters stage {@code index} saved: the last one, or the one
     * early stopping's {@code restoreBest} put back ({@code restoredEpoch}); an empty map when none.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> savedEpoch(int index) {
        if (history.get("stages") instanceof List<?> list && index < list.size()
                && list.get(index) instanceof Map<?, ?> stage && stage.get("epochs") instanceof List<?> epochs
                && !epochs.isEmpty()) {
            Object restored = stage.get("restoredEpoch");
            for (Object e : epochs) {
                if (restored instanceof Number n && e instanceof Map<?, ?> m && m.get("epoch") instanceof Number k
                        && k.intValue() == n.intValue()) {
                    return (Map<String, Object>) m;
                }
            }
            return epochs.get(epochs.size() - 1) instanceof Map<?, ?> last ? (Map<String, Object>) last : Map.of();
        }
        return Map.of();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> finetuneHistory() {
        return history.get("finetune") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The type of stage {@code index} (checked by {@link #open}). */
    String type(int index) {
        return String.valueOf(stages.get(index).model().get("type"));
    }

    /**
     * Builds stages {@code 1..count} with today's providers and the saved parameters. Each provider reserves its
     * stage's memory first: the engine refuses a spec whose parameters are not the size of the saved ones, or a stage
     * that would not fit beside {@code rowBytes} of data, before anything is allocated or read. The caller closes the
     * result.
     *
     * @param rows     the most rows a stage will be given at once
     * @param rowBytes the bytes of the rows the caller holds
     * @param fineTune whether the caller keeps each stage's encoder and decoder (to rebuild the fine-tuned network)
     */
    @SuppressWarnings("unchecked")
    Restored restore(Plugins plugins, int count, int rows, long rowBytes, boolean fineTune) throws PipelineException {
        Restored restored = new Restored();
        Path model = null;
        long kept = 0; // encoders and decoders of earlier stages
        try {
            for (int i = 0; i < count; i++) {
                ModelFiles.Header saved = stages.get(i);
                Map<String, Object> h = saved.model();
                model = saved.json();
                Path where = model;
                String type = type(i);
                Lookup.Held<StageProvider> provider = plugins.stages().take(type).orElseThrow(() -> new PipelineException(
                        where + ": needs stage type \"" + type + "\" (trained by " + h.get("bundle") + " "
                        + h.get("bundleVersion") + "), which is not installed; install that bundle (installed types: "
                        + plugins.stages().listing() + ")"));
                restored.providers.add(provider);
                if (provider.service() == null) {
                    throw new PipelineException(model + ": the provider of \"" + type + "\" went away");
                }
                int inputSize = ((Number) h.get("inputSize")).intValue();
                String inputRange = String.valueOf(h.getOrDefault("inputRange", Dataset.UNIT));
                MemoryBudget budget = new MemoryBudget(MemoryBudget.Limits.ofThisJvm(), "stage " + (i + 1) + " (" + type
                        + ")", MemoryBudget.Held.restoring(rowBytes, saved.parameterBytes(), fineTune, kept));
                kept += fineTune ? 2 * saved.parameterBytes() : 0;
                EngineStageContext context = new EngineStageContext(plugins.regularizers(), inputSize, inputRange,
                        pipeline.seed + i, line -> { }).withMemory(rows, budget);
                restored.contexts.add(context);
                if (!(h.get("spec") instanceof Map<?, ?> rawSpec)) {
                    throw new PipelineException(model + ": spec must be the stage's JSON object, got " + h.get("spec"));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = (Map<String, Object>) rawSpec;
                Stage stage;
                try {
                    stage = ProviderFailure.create(provider, i, type, new Spec("stages[" + i + "]", spec), context);
                } catch (ProviderFailure e) {
                    throw new PipelineException(model + ": " + e.getMessage(), e);
                }
                restored.stages.add(stage);
                if (stage.inputSize() != inputSize) {
                    throw new PipelineException(model + ": the stage takes " + stage.inputSize() + " inputs, the model "
                            + inputSize);
                }
                try {
                    stage.restore(ModelFiles.load(saved).parameters());
                } catch (IllegalArgumentException e) {
                    throw new PipelineException(model + ": " + e.getMessage(), e);
                }
            }
            return restored;
        } catch (SpecException e) {
            restored.close();
            throw new PipelineException(model + ": " + e.getMessage(), e);
        } catch (IOException e) {
            restored.close();
            throw new PipelineException(e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            restored.close();
            throw new PipelineException(model + ": " + MemoryBudget.outOfMemory("rebuilding its stage", e));
        } catch (PipelineException | RuntimeException e) {
            restored.close();
            throw e instanceof PipelineException p ? p : new PipelineException(dir + ": cannot rebuild the stages: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
    }

    /** Stages built from saved models, with the services they hold. */
    static final class Restored implements AutoCloseable {
        final List<Stage> stages = new ArrayList<>();
        private final List<EngineStageContext> contexts = new ArrayList<>();
        private final List<Lookup.Held<StageProvider>> providers = new ArrayList<>();

        @Override
        public void close() {
            stages.forEach(Stage::close);
            contexts.forEach(EngineStageContext::close);
            providers.forEach(Lookup.Held::close);
        }
    }
}
