package io.layerwise.spark;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Stage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark driver of a pipeline: {@code SparkJob <pipeline.json> --out DIR [--master URL] [--resume]}, started by
 * {@code spark-submit}, Spark's launcher, or {@code java -cp <spark jars>:<job jars>} with Spark's Java 17 options.
 * Each stage in turn: a trainable one is trained by {@link DataParallelTraining}, a fitted one by
 * {@link DistributedCovariance}; its output (encoded on the driver) is the next stage's input. It writes
 * {@code DIR/stage-<i>/params.bin} and {@code params.json} for each stage, the checkpoint {@code DIR/}{@value #CHECKPOINT}
 * after every round, and one progress line per event on stdout, {@value #PREFIX} followed by a JSON object
 * ({@code event}: {@code stage}, {@code epoch}, {@code fitted}, {@code done}, {@code failed}), which the platform reads.
 */
public final class SparkJob {
    public static final String PREFIX = "layerwise-spark ";
    public static final String CHECKPOINT = "spark-checkpoint.bin";

    /** The command line. */
    /**
     * @param stage the one stage to train (the platform trains stage by stage), or -1 for all
     * @param rows  with {@code stage}: the folder of that stage's input, {@code train.rows} and {@code test.rows}
     *              (written by the engine), instead of the pipeline's data source
     */
    public record Options(Path pipeline, Path out, String master, boolean resume, int stage, Path rows) {
        public Options(Path pipeline, Path out, String master, boolean resume) {
            this(pipeline, out, master, resume, -1, null);
        }

        static Options parse(String... args) {
            Path pipeline = null;
            Path out = null;
            String master = null;
            boolean resume = false;
            int stage = -1;
            Path rows = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--master" -> master = value(args, ++i, "--master");
                    case "--resume" -> resume = true;
                    case "--stage" -> stage = Integer.parseInt(value(args, ++i, "--stage"));
                    case "--rows" -> rows = Path.of(value(args, ++i, "--rows"));
                    default -> {
                        if (args[i].startsWith("-") || pipeline != null) {
                            throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: SparkJob"
                                    + " <pipeline.json> --out DIR [--master URL] [--resume]");
                        }
                        pipeline = Path.of(args[i]);
                    }
                }
            }
            if (pipeline == null || out == null) {
                throw new IllegalArgumentException("usage: SparkJob <pipeline.json> --out DIR [--master URL] [--resume]");
            }
            if ((stage < 0) != (rows == null)) {
                throw new IllegalArgumentException("--stage and --rows go together");
            }
            return new Options(pipeline, out, master, resume, stage, rows);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    private final PrintStream progress;

    public SparkJob(PrintStream progress) {
        this.progress = progress;
    }

    public static void main(String[] args) {
        SparkJob job = new SparkJob(System.out);
        try {
            job.run(Options.parse(args));
        } catch (Exception e) {
            job.emit(Map.of("event", "failed", "message", String.valueOf(e.getMessage())));
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    public void run(Options o) throws IOException {
        SparkPlan plan = SparkPlan.read(o.pipeline(), Components.scan(Thread.currentThread().getContextClassLoader()));
        Files.createDirectories(o.out());
        Path checkpointFile = o.out().resolve(CHECKPOINT);
        SnapshotFile.Checkpoint resumed = o.resume() && Files.exists(checkpointFile)
                ? SnapshotFile.read(checkpointFile) : null;
        Dataset data = o.rows() != null ? RowsFile.dataset(o.rows()) : plan.load();
        SparkConf conf = new SparkConf().setAppName("layerwise " + plan.name);
        if (o.master() != null) {
            conf.setMaster(o.master());
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(plan.master);
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            run(sc, plan, data, o.rows(), o.out(), resumed, o.stage());
        }
        emit(Map.of("event", "done"));
    }

    /**
     * Runs the pipeline's stages on {@code sc} (only stage {@code only} on {@code data} when it is not -1), going on
     * from {@code resumed} when given.
     */
    public List<Snapshot> run(JavaSparkContext sc, SparkPlan plan, Dataset data, Path out,
            SnapshotFile.Checkpoint resumed, int only) throws IOException {
        return run(sc, plan, data, null, out, resumed, only);
    }

    /** As above, {@code data} read from the rows files in {@code rowsDir} (null: none), which the executors read too. */
    public List<Snapshot> run(JavaSparkContext sc, SparkPlan plan, Dataset data, Path rowsDir, Path out,
            SnapshotFile.Checkpoint resumed, int only) throws IOException {
        Path checkpointFile = out.resolve(CHECKPOINT);
        FloatMatrix train = data.train();
        FloatMatrix test = data.test();
        String range = data.valueRange();
        List<Snapshot> finished = new ArrayList<>();
        int first = only < 0 ? 0 : only;
        int end = only < 0 ? plan.stages.size() : only + 1;
        for (int i = first; i < end; i++) {
            SparkPlan.StagePlan sp = plan.stages.get(i);
            StageRecipe recipe = plan.recipe(i, train.cols(), range, Math.max(train.rows(),
                    test == null ? 0 : test.rows()));
            Snapshot done;
            if (resumed != null && i - first < resumed.finished().size()) {
                done = resumed.finished().get(i - first);
            } else if (SparkPlan.FITTED.contains(sp.type())) {
                try (Stage s = DistributedCovariance.fit(sc, recipe, train, plan.settings.workers())) {
                    done = Snapshot.initial(s.parameters());
                }
                emit(Map.of("event", "fitted", "stage", i, "type", sp.type()));
            } else {
                emit(Map.of("event", "stage", "stage", i, "type", sp.type()));
                DataParallelTraining.Position start = resumed != null && resumed.stage() == i
                        && !resumed.position().snapshot().parameters().isEmpty() ? resumed.position() : null;
                int stageIndex = i;
                // the platform's stage input: the executors read their shards of it from the file themselves
                Path trainFile = rowsDir != null && i == first ? rowsDir.resolve("train.rows") : null;
                done = new DataParallelTraining(sc, plan.settings).train(recipe, train, trainFile, test, start,
                        new DataParallelTraining.Listener() {
                            @Override
                            public void round(DataParallelTraining.Position next) {
                                try {
                                    SnapshotFile.write(checkpointFile,
                                            new SnapshotFile.Checkpoint(stageIndex, next, finished));
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(checkpointFile + ": " + e.getMessage(), e);
                                }
                            }

                            @Override
                            public void epoch(DataParallelTraining.Epoch e) {
                                Map<String, Object> line = new LinkedHashMap<>();
                                line.put("event", "epoch");
                                line.put("stage", stageIndex);
                                line.put("epoch", e.epoch());
                                line.put("loss", e.loss());
                                line.put("metrics", e.metrics());
                                line.put("seconds", e.seconds());
                                line.put("rounds", e.rounds());
                                emit(line);
                            }
                        });
            }
            finished.add(done);
            SnapshotFile.writeParameters(out.resolve("stage-" + i), sp.type(), done);
            SnapshotFile.write(checkpointFile, new SnapshotFile.Checkpoint(i + 1, new DataParallelTraining.Position(0,
                    0, Snapshot.initial(List.of()), 0), finished));
            if (i + 1 < end) {
                // the next stage's input, encoded on the driver (see docs/spark.md: data)
                try (Stage s = DataParallelTraining.restored(recipe, done)) {
                    train = s.encode(train);
                    test = test == null ? null : s.encode(test);
                    range = s.outputRange();
                }
            }
        }
        return finished;
    }

    void emit(Map<String, ?> event) {
        progress.println(PREFIX + StageRecipe.GSON.toJson(event));
        progress.flush();
    }
}
