package io.layerwise.spark;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.StageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline file read for a Spark run, checked before any Spark context exists: its stage types must be ones that
 * run data-parallel (trained by parameter averaging, or fitted from a distributed covariance) and installed on the
 * job's class path; its {@code execution} section gives workers and the averaging period. Everything else (the
 * stage's own fields) the model bundle's provider checks, as on one machine.
 */
public final class SparkPlan {
    /** Dense stages whose minibatch update is averaged across workers. */
    public static final Set<String> AVERAGED = Set.of("ae", "dae", "sparse-ae", "rbm");
    /** Stages fitted from a mean and covariance, which are distributed sums. */
    public static final Set<String> FITTED = Set.of("pca", "zca");

    /** One stage: its index, type, JSON fields and its provider's class. */
    public record StagePlan(int index, String type, Map<String, Object> fields, String providerClass) {
        public String path() {
            return "stages[" + index + "]";
        }
    }

    public final String name;
    public final long seed;
    public final Map<String, Object> data;
    public final List<StagePlan> stages;
    public final DataParallelTraining.Settings settings;
    public final String master;
    /**
     * {@code execution.learningRate}: {@code "same"} keeps each stage's rate; {@code "linear"} multiplies an averaged
     * stage's {@code train.optimizer.lr} by the workers, the linear scaling rule (Goyal et al., 2017): averaging W
     * workers' steps moves the parameters about as far as one step on W times the batch, so an epoch has W times fewer
     * effective steps at the same rate.
     */
    public final boolean linearRate;
    private final Components components;

    private SparkPlan(String name, long seed, Map<String, Object> data, List<StagePlan> stages,
            DataParallelTraining.Settings settings, String master, boolean linearRate, Components components) {
        this.name = name;
        this.seed = seed;
        this.data = data;
        this.stages = stages;
        this.settings = settings;
        this.master = master;
        this.linearRate = linearRate;
        this.components = components;
    }

    public static SparkPlan read(Path file, Components components) throws IOException {
        return parse(Files.readString(file), file.toString(), components);
    }

    /**
     * @param source the file's name, for messages
     */
    @SuppressWarnings("unchecked")
    public static SparkPlan parse(String json, String source, Components components) {
        Map<String, Object> root = StageRecipe.GSON.fromJson(json, Map.class);
        Spec spec = new Spec("", root);
        if (root.containsKey("finetune")) {
            throw new IllegalArgumentException(source + ": finetune: fine-tuning the whole stack is not data-parallel;"
                    + " run it on one machine from the Spark run's saved stages, or leave finetune out");
        }
        Spec exec = spec.has("execution") ? spec.object("execution") : Spec.empty("execution");
        String engine = exec.text("engine", "spark");
        if (!"spark".equals(engine)) {
            throw new IllegalArgumentException(source + ": execution.engine is \"" + engine + "\"; this job runs"
                    + " \"spark\"");
        }
        DataParallelTraining.Settings settings = new DataParallelTraining.Settings(
                exec.integer("workers", 2, 1, 10_000), exec.integer("averageEvery", 1, 1, 1_000_000));
        String master = exec.text("master", "local[" + settings.workers() + "]");
        boolean linearRate = "linear".equals(exec.choice("learningRate", "same", "same", "linear"));
        List<StagePlan> stages = new ArrayList<>();
        List<Object> raw = (List<Object>) root.getOrDefault("stages", List.of());
        if (raw.isEmpty()) {
            throw new IllegalArgumentException(source + ": stages: none");
        }
        for (int i = 0; i < raw.size(); i++) {
            Map<String, Object> fields = (Map<String, Object>) raw.get(i);
            String type = String.valueOf(fields.get("type"));
            refuseIfNotDataParallel(source, i, type, fields);
            String provider = components.find(StageProvider.class, StageProvider.TYPE, null, type);
            if (provider == null) {
                throw new IllegalArgumentException(source + ": stages[" + i + "].type: \"" + type + "\" is not on the"
                        + " job's class path; there: " + components.names(StageProvider.class, StageProvider.TYPE));
            }
            if (linearRate && AVERAGED.contains(type)) {
                fields = scaledRate(source, i, fields, settings.workers());
            }
            stages.add(new StagePlan(i, type, fields, provider));
        }
        Map<String, Object> data = (Map<String, Object>) root.getOrDefault("data", Map.of("source", "mnist"));
        return new SparkPlan(spec.text("name", "pipeline"), spec.longInteger("seed", 1234), data, stages, settings,
                master, linearRate, components);
    }

    /** A copy of a stage's fields with {@code train.optimizer.lr} times {@code workers}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> scaledRate(String source, int i, Map<String, Object> fields, int workers) {
        Map<String, Object> copy = StageRecipe.GSON.fromJson(StageRecipe.GSON.toJson(fields), Map.class);
        if (copy.get("train") instanceof Map<?, ?> t && t.get("optimizer") instanceof Map<?, ?> o
                && o.get("lr") instanceof Number lr) {
            ((Map<String, Object>) o).put("lr", lr.doubleValue() * workers);
            return copy;
        }
        throw new IllegalArgumentException(source + ": stages[" + i + "].train.optimizer.lr: execution.learningRate"
                + " \"linear\" scales the stage's rate by the workers, so the stage must state it");
    }

    /** The message of a stage that cannot run data-parallel, before anything starts. */
    @SuppressWarnings("unchecked")
    static void refuseIfNotDataParallel(String source, int i, String type, Map<String, Object> fields) {
        if (!AVERAGED.contains(type) && !FITTED.contains(type)) {
            throw new IllegalArgumentException(source + ": stages[" + i + "] (type \"" + type + "\") cannot run"
                    + " data-parallel on Spark: only " + String.join(", ", new java.util.TreeSet<>(AVERAGED))
                    + " train by parameter averaging and " + String.join(", ", new java.util.TreeSet<>(FITTED))
                    + " fit from a distributed covariance; run this pipeline on one machine");
        }
        Object train = fields.get("train");
        if (train instanceof Map<?, ?> t && t.get("optimizer") instanceof Map<?, ?> o && "lbfgs".equals(o.get("kind"))) {
            throw new IllegalArgumentException(source + ": stages[" + i + "].train.optimizer.kind: stage type \"" + type
                    + "\" with lbfgs is a full-batch method, whose line search cannot be averaged across workers; use a"
                    + " minibatch optimizer on Spark");
        }
    }

    /**
     * Loads the data with the pipeline's data source from the job's class path. A pipeline without {@code data.dir}
     * reads {@code LAYERWISE_DATA} when it is set, as the platform's launcher arranges.
     */
    public Dataset load() throws IOException {
        String type = String.valueOf(data.get("source"));
        String cls = components.find(DataSource.class, DataSource.TYPE, DataSource.NAME, type);
        if (cls == null) {
            throw new IllegalArgumentException("data.source: \"" + type + "\" is not on the job's class path; there: "
                    + components.names(DataSource.class, DataSource.TYPE));
        }
        Map<String, Object> fields = new LinkedHashMap<>(data);
        String env = System.getenv("LAYERWISE_DATA");
        if (!fields.containsKey("dir") && env != null && !env.isBlank()) {
            fields.put("dir", env);
        }
        return Components.create(cls, DataSource.class, getClass().getClassLoader()).load(new Spec("data", fields));
    }

    /** Stage {@code i}'s recipe for input of the given width and range. */
    public StageRecipe recipe(int i, int inputSize, String inputRange, int rows) {
        StagePlan s = stages.get(i);
        Map<String, String> regularizers = new LinkedHashMap<>();
        for (String n : components.names(Regularizer.class, Regularizer.TYPE).split(", ")) {
            String cls = components.find(Regularizer.class, Regularizer.TYPE, Regularizer.NAME, n);
            if (cls != null) {
                regularizers.put(n, cls);
            }
        }
        return new StageRecipe(s.path(), s.type(), s.providerClass(), StageRecipe.GSON.toJson(s.fields()),
                regularizers, inputSize, inputRange, seed + i, rows);
    }
}
