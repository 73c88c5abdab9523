package io.layerwise.engine.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline's {@code "execution": {"engine": "spark", ...}}: its trainable stages train data-parallel in a Spark
 * driver started as a plain JVM ({@link SparkTraining}; Spark stays out of the framework). Read with the pipeline, so
 * that a stage that cannot run data-parallel is refused before the run starts. {@code jars} is the folder of the Spark
 * job's class path, set by the engine from the framework (null until then).
 */
record SparkSection(String master, int workers, int averageEvery, String learningRate, Path jars) {
    /** Stage types whose minibatch updates the Spark job averages, and those fitted (on this machine, see docs/spark.md). */
    static final Set<String> AVERAGED = Set.of("ae", "dae", "sparse-ae", "rbm");
    static final Set<String> FITTED = Set.of("pca", "zca");

    /** The section, or null when the pipeline runs here ({@code engine} "local" or no section). */
    @SuppressWarnings("unchecked")
    static SparkSection read(Spec root, List<Map<String, Object>> stages, Map<String, Object> finetune) {
        if (!root.has("execution")) {
            return null;
        }
        Spec s = root.object("execution");
        boolean local = "local".equals(s.choice("engine", "local", "local", "spark"));
        int workers = s.integer("workers", 2, 1, 10_000); // read either way, so that switching engine is one edit
        SparkSection section = new SparkSection(s.text("master", "local[" + workers + "]"), workers,
                s.integer("averageEvery", 1, 1, 1_000_000), s.choice("learningRate", "same", "same", "linear"), null);
        if (local) {
            return null;
        }
        if (finetune != null) {
            throw new SpecException("finetune", "fine-tuning the whole stack is not data-parallel; leave it out of a"
                    + " pipeline whose execution.engine is \"spark\"");
        }
        for (int i = 0; i < stages.size(); i++) {
            String type = PipelineFile.stageType(stages.get(i));
            if (!AVERAGED.contains(type) && !FITTED.contains(type)) {
                throw new SpecException("stages[" + i + "].type", "\"" + type + "\" cannot run data-parallel on Spark"
                        + " (execution.engine \"spark\"): only ae, dae, rbm, sparse-ae train by parameter averaging"
                        + " (and pca, zca are fitted); run this pipeline on one machine");
            }
            if (stages.get(i).get("train") instanceof Map<?, ?> t && t.get("optimizer") instanceof Map<?, ?> o
                    && "lbfgs".equals(o.get("kind"))) {
                throw new SpecException("stages[" + i + "].train.optimizer.kind", "lbfgs is a full-batch method whose"
                        + " line search cannot be averaged across Spark workers; use a minibatch optimizer");
            }
        }
        return section;
    }

    SparkSection withJars(Path folder) {
        return new SparkSection(master, workers, averageEvery, learningRate, folder);
    }

    /** The section as the Spark job reads it. */
    Map<String, Object> json() {
        return Map.of("engine", "spark", "master", master, "workers", workers, "averageEvery", averageEvery,
                "learningRate", learningRate);
    }
}
