package io.layerwise.engine.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline as validated ({@link PipelineValidator}): what the job runs, parsed and checked once. Its stage specs
 * are the resolved ones ({@code --epochs} and the default {@code checkpointEvery} applied) and cannot change; each
 * stage's provider still reads its spec when the job creates the stage again, as it must for a new provider.
 *
 * @param fineTune the {@code finetune} section; null when the pipeline has none
 * @param resolvedJson pipeline.json: every field with its default
 * @param spark        the {@code execution} section when the stages train on Spark; null to train here
 */
record PipelinePlan(Path file, String name, long seed, String dataSource, List<StagePlan> stages,
        FineTuneSection fineTune, String resolvedJson, SparkSection spark) {

    PipelinePlan {
        stages = List.copyOf(stages);
    }

    /**
     * One stage: its 0-based {@code index}, {@code type} and {@code spec} (immutable, at every depth), and its
     * {@code train} section read ({@link TrainControl}); {@code control} is null for a stage that is fitted.
     */
    record StagePlan(int index, String type, Map<String, Object> spec, TrainControl control) {
        StagePlan {
            spec = frozen(spec);
        }

        /** The path of this stage's fields in messages: {@code stages[2]}. */
        String path() {
            return "stages[" + index + "]";
        }

        /** {@code stage 3 (rbm)}: how messages and run.log name the stage. */
        String title() {
            return "stage " + (index + 1) + " (" + type + ")";
        }
    }

    PipelinePlan withSpark(SparkSection s) {
        return new PipelinePlan(file, name, seed, dataSource, stages, fineTune, resolvedJson, s);
    }

    boolean fineTunes() {
        return fineTune != null;
    }

    /** A copy of a parsed JSON object that cannot change, at any depth. */
    static Map<String, Object> frozen(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, frozenValue(v)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object frozenValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return frozen((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(x -> copy.add(frozenValue(x)));
            return Collections.unmodifiableList(copy);
        }
        return v;
    }
}
