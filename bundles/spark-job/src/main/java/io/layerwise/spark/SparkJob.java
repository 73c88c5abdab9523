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
    /** The epoch lines so far, one JSON object per line, replayed by a resumed driver for the epochs it skips. */
    public static final String EPOCHS = "epochs.jsonl";
    /**
     * The one array a fitted stage's {@code params.bin} holds when the platform asked (with {@code --rows}): 2n rows
     * with the training rows' distributed mean and covariance ({@link DistributedCovariance#equivalentRows}).
     */
    public static final String FIT_ROWS = "equivalentRows";

    /** The command line. */
    /**
     * @param stage the one stage to train (the platform trains stage by stage), or -1 for all
     * @param rows  with {@code stage}: the folder of that stage's input, {@code train.rows} and {@code test.rows}
     *              (written by the engine), instead of the pipeline's data source
     */
    public record Options(Path pipeline, Path out, String master, boolean resume, int stage, Path rows, long parent) {
        public Options(Path pipeline, Path out, String master, boolean resume) {
            this(pipeline, out, master, resume, -1, null, -1);
        }

        static Options parse(String... args) {
            Path pipeline = null;
            Path out = null;
            String master = null;
            boolean resume = false;
            int stage = -1;
            Path rows = null;
            long parent = -1;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--master" -> master = value(args, ++i, "--master");
                    case "--resume" -> resume = true;
                    case "--stage" -> stage = Integer.parseInt(value(args, ++i, "--stage"));
                    case "--rows" -> rows = Path.of(value(args, ++i, "--rows"));
                    case "--parent" -> parent = Long.parseLong(value(args, ++i, "--parent"));
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
            return new Options(pipeline, out, master, resume, stage, rows, parent);
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
            Options options = Options.parse(args);
            if (options.parent() > 0) {
                exitWithParent(options.parent());
            }
            job.run(options);
        } catch (Exception e) {
            job.emit(Map.of("event", "failed", "message", String.valueOf(e.getMessage())));
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * Ends this driver when process {@code pid} (the platform that started it: {@code --parent}) is gone, so that a
     * killed platform leaves no driver running on, writing checkpoints that a resumed run would race with.
     */
    private static void exitWithParent(long pid) {
        Thread watch = new Thread(() -> {
            try {
                while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("layerwise-spark: the platform (pid " + pid + ") is gone; the driver stops");
            Runtime.getRuntime().halt(3);
        }, "layerwise-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    public void run(Options o) throws IOException {
        SparkPlan plan = SparkPlan.read(o.pipeline(), Components.scan(Thread.currentThread().getContextClassLoader()));
        Files.createDirectories(o.out());
        Path checkpointFile = o.out().resolve(CHECKPOINT);
        SnapshotFile.Checkpoint resumed = o.resume() && Files.exists(checkpointFile)
                ? SnapshotFile.read(checkpointFile) : null;
        replayEpochs(o.out(), resumed);
        // from the platform: the executors read the training rows, the driver only their header and the held-out rows
        Dataset data = o.rows() != null ? null : plan.load();
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

    /**
     * As above, or with {@code data} null: stage {@code only}'s input in the rows files of {@code rowsDir}, whose
     * training rows the executors read for themselves (the driver reads the header and the held-out rows).
     */
    public List<Snapshot> run(JavaSparkContext sc, SparkPlan plan, Dataset data, Path rowsDir, Path out,
            SnapshotFile.Checkpoint resumed, int only) throws IOException {
        Path checkpointFile = Files.createDirectories(out).resolve(CHECKPOINT);
        FloatMatrix train = data == null ? null : data.train();
        FloatMatrix test = data == null ? RowsFile.heldOut(rowsDir) : data.test();
        RowsFile.Header header = data == null ? RowsFile.header(rowsDir.resolve("train.rows")) : null;
        String range = data == null ? header.range() : data.valueRange();
        int trainRows = data == null ? header.rows() : train.rows();
        int cols = data == null ? header.cols() : train.cols();
        if (data == null && only < 0) {
            throw new IllegalArgumentException("--rows is one stage's input: give the stage with --stage");
        }
        List<Snapshot> finished = new ArrayList<>();
        int first = only < 0 ? 0 : only;
        int end = only < 0 ? plan.stages.size() : only + 1;
        for (int i = first; i < end; i++) {
            SparkPlan.StagePlan sp = plan.stages.get(i);
            StageRecipe recipe = plan.recipe(i, cols, range, Math.max(trainRows, test == null ? 0 : test.rows()));
            Snapshot done;
            if (resumed != null && i - first < resumed.finished().size()) {
                done = resumed.finished().get(i - first);
            } else if (SparkPlan.FITTED.contains(sp.type()) && data == null) {
                // for the platform, which fits the stage itself (with its own checks) on rows of these statistics
                FloatMatrix rows = DistributedCovariance.equivalentRows(DistributedCovariance.of(sc,
                        rowsDir.resolve("train.rows"), plan.settings.workers()));
                done = Snapshot.initial(List.of(new io.layerwise.api.stage.Parameter(FIT_ROWS,
                        new int[] {rows.rows(), rows.cols()}, rows.data())));
                emit(Map.of("event", "fitted", "stage", i, "type", sp.type()));
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
                                try {
                                    Files.writeString(out.resolve(EPOCHS), StageRecipe.GSON.toJson(line) + "\n",
                                            java.nio.file.StandardOpenOption.CREATE,
                                            java.nio.file.StandardOpenOption.APPEND);
                                } catch (IOException x) {
                                    throw new java.io.UncheckedIOException(out.resolve(EPOCHS) + ": " + x.getMessage(),
                                            x);
                                }
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

    /**
     * A resumed driver's first lines: the epochs the checkpoint has behind it, from {@value #EPOCHS}, which keeps only
     * those (a later epoch there was trained after the checkpoint and is trained again). A fresh run empties it.
     */
    @SuppressWarnings("unchecked")
    private void replayEpochs(Path out, SnapshotFile.Checkpoint resumed) throws IOException {
        Path file = out.resolve(EPOCHS);
        StringBuilder kept = new StringBuilder();
        if (resumed != null && Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                Map<String, Object> e = StageRecipe.GSON.fromJson(line, Map.class);
                int stage = ((Number) e.get("stage")).intValue();
                int epoch = ((Number) e.get("epoch")).intValue();
                if (stage < resumed.stage() || stage == resumed.stage() && epoch < resumed.position().epoch()) {
                    kept.append(line).append('\n');
                    progress.println(PREFIX + line);
                }
            }
            progress.flush();
        }
        Files.writeString(file, kept);
    }

    void emit(Map<String, ?> event) {
        progress.println(PREFIX + StageRecipe.GSON.toJson(event));
        progress.flush();
    }
}
