package io.layerwise.engine.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline's {@code "execution": {"engine": "spark", ...}}: its trainable stages train data-parallel in a Spark
 * driver started as a plain JVM ({@link SparkTraining}; Spark stays out of the framework). Read with the pipeline, so
 * that a stage that cannot run data-parallel is refused before the run starts. {@code sparkHome}: a Spark installation
 * whose {@code bin/spark-submit} submits the job (null: the Spark jars Maven built, through spark-submit's own class);
 * {@code jars}: the folder of the Spark job's jars, set by the engine from the framework (null until then).
 */
record SparkSection(String master, int workers, int averageEvery, String learningRate, String sparkHome, Path jars) {
    /**
     * Stage types whose minibatch updates the Spark job averages, and those fitted here on the mean and covariance
     * that Spark sums (docs/spark.md).
     */
    static final Set<String> AVERAGED = Set.of("ae", "dae", "sparse-ae", "rbm");
    static final Set<String> FITTED = Set.of("pca", "zca");

    /**
     * The section, or null when the pipeline runs here ({@code engine} "local" or no section). {@code masterFlag}
     * ({@code layerwise:run --spark MASTER}; null when not given) runs it on Spark with that master whatever the
     * section says, its other fields as the section has them or their defaults ({@code workers}: N of
     * {@code local[N]}, else 2).
     */
    @SuppressWarnings("unchecked")
    static SparkSection read(Spec root, List<Map<String, Object>> stages, Map<String, Object> finetune,
            String masterFlag) {
        if (!root.has("execution") && masterFlag == null) {
            return null;
        }
        Spec s = root.has("execution") ? root.object("execution") : new Spec("execution", new LinkedHashMap<>());
        boolean local = "local".equals(s.choice("engine", "local", "local", "spark")) && masterFlag == null;
        // read either way, so that switching engine is one edit
        int workers = s.integer("workers", masterFlag == null ? 2 : localThreads(masterFlag, 2), 1, 10_000);
        String master = s.text("master", "local[" + workers + "]");
        SparkSection section = new SparkSection(masterFlag != null ? masterFlag : master, workers,
                s.integer("averageEvery", 1, 1, 1_000_000), s.choice("learningRate", "same", "same", "linear"),
                s.has("sparkHome") ? s.text("sparkHome", "") : null, null);
        if (local) {
            return null;
        }
        String asked = masterFlag != null ? "--spark " + masterFlag : "execution.engine \"spark\"";
        if (finetune != null) {
            throw new SpecException("finetune", "fine-tuning the whole stack is not data-parallel; leave it out of a"
                    + " pipeline run on Spark (" + asked + ")");
        }
        for (int i = 0; i < stages.size(); i++) {
            String type = PipelineFile.stageType(stages.get(i));
            if (!AVERAGED.contains(type) && !FITTED.contains(type)) {
                throw new SpecException("stages[" + i + "].type", "\"" + type + "\" cannot run data-parallel on Spark"
                        + " (" + asked + "): only ae, dae, rbm, sparse-ae train by parameter averaging"
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

    /** N of {@code local[N]} (a number); {@code otherwise} for any other master. */
    static int localThreads(String master, int otherwise) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+)]").matcher(master.trim());
        return m.matches() ? Math.max(1, Integer.parseInt(m.group(1))) : otherwise;
    }

    SparkSection withJars(Path folder) {
        return new SparkSection(master, workers, averageEvery, learningRate, sparkHome, folder);
    }

    /** The section as the Spark job reads it. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>(Map.of("engine", "spark", "master", master, "workers", workers,
                "averageEvery", averageEvery, "learningRate", learningRate));
        if (sparkHome != null) {
            m.put("sparkHome", sparkHome);
        }
        return m;
    }
}
