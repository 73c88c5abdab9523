package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A finished run directory read back: {@code pipeline.json}, {@code history.json} and each stage's model, all
 * checked before any stage is built ({@link ModelFiles#read}). {@link #restore} builds the stages with the
 * providers installed now and loads the saved parameters into them.
 */
final class SavedRun {
    final Path dir;
    final Map<String, Object> pipeline;
    final Map<String, Object> history;
    final List<ModelFiles.Saved> stages;
    /** The fine-tuned network, or null when the pipeline had no finetune section. */
    final ModelFiles.Saved finetune;

    private SavedRun(Path dir, Map<String, Object> pipeline, Map<String, Object> history, List<ModelFiles.Saved> stages,
            ModelFiles.Saved finetune) {
        this.dir = dir;
        this.pipeline = pipeline;
        this.history = history;
        this.stages = stages;
        this.finetune = finetune;
    }

    @SuppressWarnings("unchecked")
    static SavedRun open(Path dir) throws PipelineException {
        if (!Files.isDirectory(dir)) {
            throw new PipelineException(dir + ": no such run directory");
        }
        try {
            Path pipelineFile = dir.resolve("pipeline.json");
            if (!Files.isRegularFile(pipelineFile)) {
                throw new IOException(pipelineFile + ": missing; is " + dir + " a run directory?");
            }
            Map<String, Object> pipeline = Json.parseObject(Files.readString(pipelineFile), pipelineFile);
            Path historyFile = dir.resolve("history.json");
            Map<String, Object> history = Files.isRegularFile(historyFile)
                    ? Json.parseObject(Files.readString(historyFile), historyFile) : Map.of();
            if (!(pipeline.get("stages") instanceof List<?> specs)) {
                throw new IOException(pipelineFile + ": has no stages list");
            }
            List<ModelFiles.Saved> stages = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                Object type = specs.get(i) instanceof Map<?, ?> spec ? spec.get("type") : null;
                if (!(type instanceof String t) || !RunDirectory.SAFE_TYPE.matcher(t).matches()) {
                    throw new IOException(pipelineFile + ": stages[" + i + "].type must be a stage type name, got " + type);
                }
                ModelFiles.Saved saved = ModelFiles.read(dir.resolve(RunDirectory.stageFolder(i, t)));
                checkSizes(dir.resolve(RunDirectory.stageFolder(i, t)).resolve("model.json"), saved.header(), t,
                        stages.isEmpty() ? null : stages.get(stages.size() - 1).header());
                stages.add(saved);
            }
            ModelFiles.Saved finetune = pipeline.get("finetune") instanceof Map ? ModelFiles.read(dir.resolve("finetune"))
                    : null;
            return new SavedRun(dir, pipeline, history, stages, finetune);
        } catch (IOException | ClassCastException e) {
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
    }

    private static int size(Path model, Map<String, Object> header, String key) throws IOException {
        if (header.get(key) instanceof Long n && n >= 1 && n <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new IOException(model + ": " + key + " must be a whole number in [1, " + Integer.MAX_VALUE + "], got "
                + header.get(key));
    }

    /**
     * The record in history.json of the epoch whose parameters stage {@code index} saved: the last one, or the one
     * early stopping's {@code restoreBest} put back ({@code restoredEpoch}); an empty map when none.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> savedEpoch(int index) {
        if (history.get("stages") instanceof List<?> list && index < list.size()
                && ((Map<String, Object>) list.get(index)).get("epochs") instanceof List<?> epochs && !epochs.isEmpty()) {
            Object restored = ((Map<String, Object>) list.get(index)).get("restoredEpoch");
            for (Object e : epochs) {
                if (restored instanceof Number n && ((Map<String, Object>) e).get("epoch") instanceof Number m
                        && m.intValue() == n.intValue()) {
                    return (Map<String, Object>) e;
                }
            }
            return (Map<String, Object>) epochs.get(epochs.size() - 1);
        }
        return Map.of();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> finetuneHistory() {
        return history.get("finetune") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /**
     * Builds stages {@code 1..count} with today's providers and the saved parameters. The caller closes the result.
     */
    Restored restore(BundleContext bundles, Installed<StageProvider> providers, Installed<Regularizer> regularizers,
            int count) throws PipelineException {
        Restored restored = new Restored(bundles);
        try {
            for (int i = 0; i < count; i++) {
                ModelFiles.Saved saved = stages.get(i);
                Map<String, Object> h = saved.header();
                // open() checked that the type is a plain name and the one pipeline.json gives
                Path model = dir.resolve("stage-" + (i + 1) + "-" + h.get("type")).resolve("model.json");
                String type = String.valueOf(h.get("type"));
                ServiceReference<StageProvider> ref = providers.find(type).orElseThrow(() -> new PipelineException(model
                        + ": needs stage type \"" + type + "\" (trained by " + h.get("bundle") + " " + h.get("bundleVersion")
                        + "), which is not installed; install that bundle (installed types: " + providers.listing() + ")"));
                StageProvider provider = bundles.getService(ref);
                if (provider == null) {
                    throw new PipelineException(model + ": the provider of \"" + type + "\" went away");
                }
                restored.refs.add(ref);
                int inputSize = ((Number) h.get("inputSize")).intValue();
                String inputRange = String.valueOf(h.getOrDefault("inputRange", Dataset.UNIT));
                long seed = ((Number) pipeline.getOrDefault("seed", 1234L)).longValue() + i;
                EngineStageContext context = new EngineStageContext(bundles, regularizers, inputSize, inputRange, seed,
                        line -> { });
                restored.contexts.add(context);
                if (!(h.get("spec") instanceof Map<?, ?> rawSpec)) {
                    throw new PipelineException(model + ": spec must be the stage's JSON object, got " + h.get("spec"));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = (Map<String, Object>) rawSpec;
                Stage stage;
                try {
                    stage = ProviderFailure.create(provider, ref, i, type, new Spec("stages[" + i + "]", spec), context);
                } catch (ProviderFailure e) {
                    throw new PipelineException(model + ": " + e.getMessage(), e);
                }
                restored.stages.add(stage);
                if (stage.inputSize() != inputSize) {
                    throw new PipelineException(model + ": the stage takes " + stage.inputSize() + " inputs, the model "
                            + inputSize);
                }
                try {
                    stage.restore(saved.parameters());
                } catch (IllegalArgumentException e) {
                    throw new PipelineException(model + ": " + e.getMessage(), e);
                }
            }
            return restored;
        } catch (PipelineException | RuntimeException e) {
            restored.close();
            throw e instanceof PipelineException p ? p : new PipelineException(dir + ": cannot rebuild the stages: " + e, e);
        }
    }

    /** Stages built from saved models, with the services they hold. */
    static final class Restored implements AutoCloseable {
        private final BundleContext bundles;
        final List<Stage> stages = new ArrayList<>();
        private final List<EngineStageContext> contexts = new ArrayList<>();
        private final List<ServiceReference<StageProvider>> refs = new ArrayList<>();

        private Restored(BundleContext bundles) {
            this.bundles = bundles;
        }

        @Override
        public void close() {
            stages.forEach(Stage::close);
            contexts.forEach(EngineStageContext::close);
            for (ServiceReference<StageProvider> ref : refs) {
                Installed.release(bundles, ref);
            }
        }
    }
}
