package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;

/**
 * Trains one stage on Spark instead of {@link EpochLoop}: writes the stage's input rows and a pipeline of the resolved
 * stages into {@code <stage>/spark/}, submits the Spark job ({@code io.layerwise.spark.SparkJob}, bundles/spark-job)
 * with spark-submit in a JVM of its own ({@link #submitCommand}), turns its progress lines into the run's epochs and progress, and loads the
 * parameters it writes into the stage, which the engine then saves, draws and encodes as after any training. The
 * driver checkpoints after every averaging round; a resumed run passes {@code --resume}.
 */
final class SparkTraining {
    /** Framework property: the folder of the Spark job's class path (Spark's jars and the job's). */
    static final String JARS = "layerwise.spark.jars";
    static final String DRIVER = "io.layerwise.spark.SparkJob";
    /** The class {@code bin/spark-submit} runs. */
    static final String SUBMIT = "org.apache.spark.deploy.SparkSubmit";
    static final String PREFIX = "layerwise-spark ";
    /** Spark's own Java 17 options (org.apache.spark.launcher.JavaModuleOptions), for the driver JVM. */
    static final List<String> OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

    private final PipelinePlan pipeline;
    private final PipelinePlan.StagePlan plan;
    private final RunDirectory run;
    private final JobHooks job;

    SparkTraining(PipelinePlan pipeline, PipelinePlan.StagePlan plan, RunDirectory run, JobHooks job) {
        this.pipeline = pipeline;
        this.plan = plan;
        this.run = run;
        this.job = job;
    }

    /**
     * The folder of the job's jars: the framework property {@value #JARS}, else the build's
     * {@code bundles/spark-job/target/spark-jars} under {@code layerwise.home}.
     */
    static Path jars(BundleContext context) {
        String set = context == null ? null : context.getProperty(JARS);
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        String home = context == null ? null : context.getProperty("layerwise.home");
        return Path.of(home == null || home.isBlank() ? "." : home, "bundles", "spark-job", "target", "spark-jars");
    }

    void train(Stage stage, StageRun.Input in, History.StageEntry history, Path stageDir, boolean again)
            throws IOException, StageFailure, Cancelled {
        SparkSection spark = pipeline.spark();
        // the driver's lines give the stage's epochs: a resumed driver replays those its checkpoint has behind it
        history.epochs.clear();
        Path work = submit(in, stageDir, again, "training on Spark", ", averaged every " + spark.averageEvery()
                + " minibatches", stage, history);
        stage.restore(readParameters(work.resolve("stage-" + plan.index())));
    }

    /**
     * For a fitted stage (pca, zca): Spark sums the training rows' mean and {@code X^T X} over the executors, each
     * reading its shard of the stage's input file, and the driver returns 2n rows with exactly that mean and
     * covariance, on which the engine fits the stage itself, with the stage's own checks.
     */
    FloatMatrix fitRows(StageRun.Input in, Path stageDir) throws IOException, StageFailure, Cancelled {
        Path work = submit(in, stageDir, false, "mean and covariance summed on Spark", "", null, null);
        Parameter rows = readParameters(work.resolve("stage-" + plan.index())).get(0);
        return new FloatMatrix(rows.shape()[0], rows.shape()[1], rows.values());
    }

    /**
     * Writes the stage's input and the resolved stages into {@code <stage>/spark/}, submits the job for this stage and
     * follows it to its end (epoch lines into {@code history} when given); returns that folder. A fitted stage
     * ({@code stage} null) has no held-out rows to write: the driver only sums the training rows.
     */
    private Path submit(StageRun.Input in, Path stageDir, boolean again, String what, String detail, Stage stage,
            History.StageEntry history) throws IOException, StageFailure, Cancelled {
        SparkSection spark = pipeline.spark();
        if (spark.jars() == null || !Files.isDirectory(spark.jars())) {
            throw new StageFailure(plan.title() + ": the Spark job's jars are not at " + spark.jars()
                    + " (framework property " + JARS + "; `mvn install` builds them in bundles/spark-job)");
        }
        Path work = Files.createDirectories(stageDir.resolve("spark"));
        writeRows(work.resolve("train.rows"), in.train(), in.range());
        if (in.test() != null && stage != null) {
            writeRows(work.resolve("test.rows"), in.test(), in.range());
        }
        Path pipelineFile = work.resolve("pipeline.json");
        List<Object> stages = new ArrayList<>();
        pipeline.stages().forEach(s -> stages.add(s.spec()));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", pipeline.name());
        p.put("seed", pipeline.seed());
        p.put("data", Map.of("source", pipeline.dataSource()));
        p.put("stages", stages);
        p.put("execution", spark.json());
        Files.writeString(pipelineFile, Json.GSON.toJson(p));
        List<String> app = new ArrayList<>(List.of(pipelineFile.toString(), "--out", work.toString(), "--stage",
                String.valueOf(plan.index()), "--rows", work.toString()));
        app.addAll(List.of("--parent", String.valueOf(ProcessHandle.current().pid()))); // it ends if we are killed
        if (again && Files.exists(work.resolve("spark-checkpoint.bin"))) {
            app.add("--resume");
        }
        List<String> cmd;
        try {
            cmd = submitCommand(spark, pipeline.name() + " " + plan.title(), app);
        } catch (StageFailure e) {
            throw new StageFailure(plan.title() + ": " + e.getMessage());
        }
        job.log(plan.title() + ": " + what + " (" + spark.master() + ", " + spark.workers() + " workers" + detail
                + ", submitted with " + (spark.sparkHome() == null
                ? "the built Spark jars" : spark.sparkHome() + "/bin/spark-submit") + "); driver log "
                + work.resolve("driver.log"));
        job.doing(stage != null ? "training on Spark" : "fitting on Spark");
        Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
        Thread reader = new Thread(() -> copy(driver, work.resolve("driver.log"), lines), "layerwise-spark-driver");
        reader.setDaemon(true);
        reader.start();
        String failure = null;
        try {
            while (driver.isAlive() || !lines.isEmpty() || reader.isAlive()) {
                if (job.cancelRequested()) {
                    throw new Cancelled(plan.title() + " cancelled while on Spark");
                }
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    failure = event(line, stage, history, failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled(plan.title() + " interrupted while on Spark");
        } finally {
            if (driver.isAlive()) {
                driver.destroy();
                try {
                    if (!driver.waitFor(20, TimeUnit.SECONDS)) {
                        driver.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    driver.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (driver.exitValue() != 0) {
            throw new StageFailure(plan.title() + ": the Spark driver failed (exit " + driver.exitValue() + ")"
                    + (failure != null ? ": " + failure : "") + "; see " + work.resolve("driver.log"));
        }
        return work;
    }

    /**
     * The spark-submit command of the job, in client mode (the driver's progress comes back on its standard output).
     * With a Spark home, its {@code bin/spark-submit}; else spark-submit's own class,
     * {@code org.apache.spark.deploy.SparkSubmit}, on the Spark jars Maven built ({@code jars/*}, and {@code jars/job/*}
     * for the driver), which is what {@code bin/spark-submit} runs. {@code --jars} gives the executors the job's jars
     * (the model bundles, ND4J) from the driver, so that a cluster's workers need nothing installed but Spark; a
     * {@code local} master with the built jars runs the executors in the driver, which has them already.
     */
    static List<String> submitCommand(SparkSection spark, String name, List<String> appArgs) throws StageFailure {
        Path jobDir = spark.jars().resolve("job");
        List<Path> jobJars;
        try (var files = Files.list(jobDir)) {
            jobJars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new StageFailure("the Spark job's jars are not in " + jobDir + " (`mvn install` builds them in"
                    + " bundles/spark-job/target/spark-jars; framework property " + JARS + ")");
        }
        Path jobJar = jobJars.stream().filter(f -> f.getFileName().toString().startsWith("layerwise-spark-job")
                && f.getFileName().toString().endsWith("-job.jar")).findFirst().orElseThrow(() -> new StageFailure(
                "no layerwise-spark-job-*-job.jar in " + jobDir + "; rebuild bundles/spark-job"));
        List<String> cmd = new ArrayList<>();
        if (spark.sparkHome() != null) {
            Path submit = Path.of(spark.sparkHome(), "bin", "spark-submit");
            if (!Files.isExecutable(submit)) {
                throw new StageFailure("execution.sparkHome: " + submit + " is not an executable spark-submit");
            }
            cmd.add(submit.toString());
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(OPENS);
            cmd.addAll(List.of("-cp", spark.jars().toAbsolutePath() + "/*" + java.io.File.pathSeparator
                    + jobDir.toAbsolutePath() + "/*", SUBMIT));
        }
        cmd.addAll(List.of("--master", spark.master(), "--deploy-mode", "client", "--name", "layerwise " + name,
                "--class", DRIVER));
        if (spark.sparkHome() != null || !spark.master().startsWith("local")) {
            List<String> others = new ArrayList<>();
            jobJars.stream().filter(j -> !j.equals(jobJar)).forEach(j -> others.add(j.toAbsolutePath().toString()));
            cmd.addAll(List.of("--jars", String.join(",", others)));
        }
        cmd.add(jobJar.toAbsolutePath().toString());
        cmd.addAll(appArgs);
        return cmd;
    }

    /** Handles one line of the driver's output; returns the failure message so far. */
    @SuppressWarnings("unchecked")
    private String event(String line, Stage stage, History.StageEntry history, String failure) throws IOException {
        if (!line.startsWith(PREFIX)) {
            return failure;
        }
        Map<String, Object> e = Json.GSON.fromJson(line.substring(PREFIX.length()), Map.class);
        String kind = String.valueOf(e.get("event"));
        if ("epoch".equals(kind) && history != null) {
            int epoch = ((Number) e.get("epoch")).intValue() + 1;
            double loss = ((Number) e.get("loss")).doubleValue();
            Map<String, Double> metrics = new LinkedHashMap<>();
            ((Map<String, Object>) e.getOrDefault("metrics", Map.of())).forEach((k, v) ->
                    metrics.put(k, ((Number) v).doubleValue()));
            run.addEpoch(history, new History.Epoch(epoch, loss, null, null, ((Number) e.get("seconds")).doubleValue(),
                    metrics));
            int rounds = ((Number) e.get("rounds")).intValue();
            job.progress(plan.index(), plan.type(), epoch, stage.epochs(), rounds, rounds, loss, 0, loss, Double.NaN);
            job.log(plan.title() + " epoch " + epoch + "/" + stage.epochs() + ": loss " + String.format("%.4f", loss)
                    + " " + metrics + " (Spark, " + rounds + " rounds)");
        } else if ("failed".equals(kind)) {
            return String.valueOf(e.get("message"));
        }
        return failure;
    }

    private static void copy(Process p, Path log, BlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.println(line);
                out.flush();
                if (line.startsWith(PREFIX)) {
                    lines.put(line);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the driver ended or the job stopped reading: its exit status tells the rest
        }
    }

    /** The rows file the Spark job reads: a magic line, the value range, rows, columns, big-endian float32. */
    static void writeRows(Path file, FloatMatrix m, String range) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.writeUTF("layerwise-rows 1");
            out.writeUTF(range);
            out.writeInt(m.rows());
            out.writeInt(m.cols());
            for (float v : m.data()) {
                out.writeFloat(v);
            }
        }
    }

    /** The job's {@code params.json} (names, shapes) and {@code params.bin} (little-endian float32, in that order). */
    @SuppressWarnings("unchecked")
    static List<Parameter> readParameters(Path dir) throws IOException {
        Map<String, Object> header = Json.parseObject(Files.readString(dir.resolve("params.json")),
                dir.resolve("params.json"));
        ByteBuffer bin = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("params.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        List<Parameter> out = new ArrayList<>();
        for (Map<String, Object> entry : (List<Map<String, Object>>) header.get("parameters")) {
            List<Number> shape = (List<Number>) entry.get("shape");
            int[] dims = shape.stream().mapToInt(Number::intValue).toArray();
            float[] v = new float[((Number) entry.get("count")).intValue()];
            bin.asFloatBuffer().get(v);
            bin.position(bin.position() + 4 * v.length);
            out.add(new Parameter((String) entry.get("name"), dims, v));
        }
        return out;
    }
}
