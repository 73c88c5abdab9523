package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline with {@code "execution": {"engine": "spark", "master": "local[2]", ...}} run by the platform: the engine
 * starts the Spark job (bundles/spark-job) as a JVM of its own, Spark never enters the framework, and the run
 * directory gets what a run on one machine gets: history.json with each epoch, the stage's model files and pictures.
 * A stage type that cannot run data-parallel is refused before anything starts.
 */
class SparkIT {
    static final Path JARS = Path.of("../spark-job/target/spark-jars").toAbsolutePath().normalize();

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withMnistSample().property("layerwise.spark.jars",
            JARS.toString());

    @Test
    void aSparkPipelineWritesHistoryModelAndPicturesLikeALocalRun() throws Exception {
        Path pipeline = felix.work().resolve("dae-spark.json");
        Files.writeString(pipeline, """
                {"name": "dae-spark", "seed": 5, "data": {"source": "mnist", "limit": 1000, "testLimit": 200},
                 "stages": [{"type": "dae", "hidden": 32, "noise": {"kind": "mask", "level": 0.3},
                             "train": {"epochs": 2, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}],
                 "execution": {"engine": "spark", "master": "local[2]", "workers": 2, "averageEvery": 5,
                               "learningRate": "linear"}}
                """);
        Path out = felix.work().resolve("run");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + pipeline);
        assertEquals(0, r.exitCode(), r.all());
        JsonObject history = PlatformIT.json(out.resolve("history.json"));
        JsonObject stage = history.getAsJsonArray("stages").get(0).getAsJsonObject();
        JsonArray epochs = stage.getAsJsonArray("epochs");
        assertEquals(2, epochs.size(), stage.toString());
        double first = epochs.get(0).getAsJsonObject().get("loss").getAsDouble();
        double second = epochs.get(1).getAsJsonObject().get("loss").getAsDouble();
        assertTrue(second < first, "the Spark run's train CE goes down: " + epochs);
        assertTrue(epochs.get(1).getAsJsonObject().getAsJsonObject("metrics").has("testReconstructionCE"), stage.toString());
        Path dir = out.resolve("stage-1-dae");
        assertTrue(Files.size(dir.resolve("params.bin")) == 4L * (784 * 32 + 32 + 784), "W, bh, bv of a tied DAE");
        assertTrue(Files.exists(dir.resolve("model.json")));
        assertTrue(Files.size(dir.resolve("filters.png")) > 0);
        assertTrue(Files.readString(dir.resolve("spark/driver.log")).contains("layerwise-spark {\"event\":\"done\"}"));
    }

    @Test
    void aVaeStageIsRefusedBeforeTheRunNamingItsType() throws Exception {
        Path pipeline = felix.work().resolve("vae-spark.json");
        Files.writeString(pipeline, """
                {"name": "vae-spark", "data": {"source": "mnist", "limit": 100},
                 "stages": [{"type": "vae", "hidden": [16], "latent": 2}],
                 "execution": {"engine": "spark", "workers": 2}}
                """);
        Path out = felix.work().resolve("refused");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + pipeline);
        assertNotEquals(0, r.exitCode(), r.all());
        assertTrue(r.all().contains("stages[0].type \"vae\" cannot run data-parallel on Spark"), r.all());
        assertTrue(!Files.exists(out.resolve("history.json")), "nothing was started");
        // the same stage in a pipeline without the section, sent to Spark from the command line
        Path plain = felix.work().resolve("vae.json");
        Files.writeString(plain, """
                {"name": "vae", "data": {"source": "mnist", "limit": 100},
                 "stages": [{"type": "vae", "hidden": [16], "latent": 2}]}
                """);
        r = Shell.exec(felix.platform(), "layerwise:run --spark 'local[2]' --out " + out + " " + plain);
        assertNotEquals(0, r.exitCode(), r.all());
        assertTrue(r.all().contains("stages[0].type \"vae\" cannot run data-parallel on Spark (--spark local[2])"),
                r.all());
        assertTrue(!Files.exists(out.resolve("history.json")), "nothing was started");
    }

    /**
     * A ZCA stage sent to Spark: the executors sum the mean and {@code X^T X} of their shards, and the platform fits the
     * stage on rows with exactly those statistics; its whitening is the one fitted on the data here, to float precision.
     */
    @Test
    void aWhiteningStageIsFittedFromTheMeanAndCovarianceSummedOnSpark() throws Exception {
        Path pipeline = felix.work().resolve("zca.json");
        Files.writeString(pipeline, """
                {"name": "zca", "data": {"source": "mnist", "limit": 1000, "testLimit": 200},
                 "stages": [{"type": "zca", "epsilon": 0.1}]}
                """);
        Path here = felix.work().resolve("zca-here");
        Path spark = felix.work().resolve("zca-spark");
        Shell.Result local = Shell.exec(felix.platform(), "layerwise:run --out " + here + " " + pipeline);
        assertEquals(0, local.exitCode(), local.all());
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --spark 'local[2]' --out " + spark + " " + pipeline);
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.all().contains("mean and covariance summed on Spark (local[2], 2 workers"), r.all());
        float[] a = Jobs.parameters(here.resolve("stage-1-zca/params.bin"));
        float[] b = Jobs.parameters(spark.resolve("stage-1-zca/params.bin"));
        assertEquals(a.length, b.length);
        double worst = 0;
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
            largest = Math.max(largest, Math.abs(a[i]));
        }
        assertTrue(worst <= 1e-4 * largest, "ZCA from Spark's statistics differs by " + worst + " (largest " + largest
                + ")");
    }

    /**
     * The platform killed (SIGKILL) in the middle of a run started with {@code --spark local[2]}: its driver ends with
     * it, and {@code resume} goes on on Spark from the driver's last round to the parameters of an uninterrupted run,
     * with every epoch in history.json once. The uninterrupted run is submitted through a Spark home's
     * {@code bin/spark-submit} (here a stand-in over Spark's jars alone, as a Spark installation has them), so the job's
     * own jars reach the driver only through spark-submit's jar list; both ways give the same parameters.
     */
    @Test
    void aPlatformKilledMidSparkRunResumesOnSparkToTheUninterruptedParameters(@TempDir Path cwd) throws Exception {
        String stages = """
                "data": {"source": "mnist", "limit": 1000, "testLimit": 200},
                "stages": [{"type": "dae", "hidden": 32, "noise": {"kind": "mask", "level": 0.3},
                            "train": {"epochs": 3, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]""";
        Path plain = PlatformIT.pipeline(cwd, "plain", "{\"name\": \"dae\", \"seed\": 7, " + stages + "}");
        Path home = sparkHome(cwd.resolve("spark-home"));
        Path viaHome = PlatformIT.pipeline(cwd, "home", "{\"name\": \"dae\", \"seed\": 7, " + stages + ","
                + " \"execution\": {\"engine\": \"spark\", \"master\": \"local[2]\", \"workers\": 2,"
                + " \"sparkHome\": \"" + home + "\"}}");
        Path whole = cwd.resolve("whole");
        Process p = launch(cwd, "run", viaHome.toString(), "--out", whole.toString());
        assertEquals(0, p.waitFor(), Files.readString(cwd.resolve("launch.err")));
        assertTrue(Files.readString(cwd.resolve("launch.out")).contains("submitted with " + home + "/bin/spark-submit"),
                Files.readString(cwd.resolve("launch.out")));

        Path dir = cwd.resolve("killed");
        Process killed = launch(cwd, "run", plain.toString(), "--spark", "local[2]", "--out", dir.toString());
        Path epochs = dir.resolve("stage-1-dae/spark/epochs.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!(Files.exists(epochs) && !Files.readString(epochs).isBlank())) {
            assertTrue(killed.isAlive(), "the run ended before it was killed: " + Files.readString(cwd.resolve("launch.out")));
            assertTrue(System.nanoTime() < deadline, "no epoch on Spark in 300 s");
            Thread.sleep(100);
        }
        List<ProcessHandle> drivers = killed.toHandle().descendants().toList();
        assertTrue(!drivers.isEmpty(), "the Spark driver runs as a process of the platform's");
        killed.destroyForcibly(); // SIGKILL: no shutdown hook
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        for (ProcessHandle driver : drivers) {
            driver.onExit().get(30, TimeUnit.SECONDS); // it noticed its platform was gone
        }
        assertTrue(!Files.exists(dir.resolve("stage-1-dae/params.bin")), "killed before the stage ended");

        Process resumed = launch(cwd, "resume", dir.toString());
        assertEquals(0, resumed.waitFor(), Files.readString(cwd.resolve("launch.err")));
        String out = Files.readString(cwd.resolve("launch.out"));
        assertTrue(out.contains("training on Spark (local[2], 2 workers"), out);
        JsonArray history = PlatformIT.json(dir.resolve("history.json")).getAsJsonArray("stages").get(0)
                .getAsJsonObject().getAsJsonArray("epochs");
        assertEquals(3, history.size(), history.toString());
        for (int e = 0; e < 3; e++) {
            assertEquals(e + 1, history.get(e).getAsJsonObject().get("epoch").getAsInt(), history.toString());
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve("stage-1-dae/params.bin")),
                Files.readAllBytes(dir.resolve("stage-1-dae/params.bin")), "resumed on Spark as the uninterrupted run");
    }

    private Process launch(Path cwd, String... args) throws Exception {
        return Launcher.start(cwd, felix.work().resolve("data"), Map.of(), args);
    }

    /**
     * A Spark home as an installation lays it out, for what the engine uses of it: {@code jars/} with Spark's jars
     * (not the job's: those are in {@code spark-jars/job}) and {@code bin/spark-submit}, which runs spark-submit's class
     * on them as Spark's own script does.
     */
    private static Path sparkHome(Path home) throws Exception {
        Path jars = Files.createDirectories(home.resolve("jars"));
        try (var list = Files.list(JARS)) {
            for (Path jar : list.filter(f -> f.toString().endsWith(".jar")).toList()) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        // an installation also has the few libraries that Maven's mediation put with the job's jars instead
        try (var list = Files.list(JARS.resolve("job"))) {
            for (Path jar : list.filter(f -> f.getFileName().toString().matches(
                    "(slf4j-api|commons-lang3|commons-math3|commons-net|flatbuffers-java)-[0-9].*\\.jar")).toList()) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(submit, "#!/bin/sh\nSPARK_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"\n"
                + "exec \"" + java + "\" " + System.getProperty("layerwise.spark.opens") + " -cp \"$SPARK_HOME/jars/*\""
                + " org.apache.spark.deploy.SparkSubmit \"$@\"\n");
        submit.toFile().setExecutable(true);
        return home;
    }
}
