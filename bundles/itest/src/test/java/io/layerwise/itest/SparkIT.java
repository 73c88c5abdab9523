package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
    }
}
