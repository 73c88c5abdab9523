package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;

/**
 * The vae stage type in a running framework: its bundle updated mid-run, a cancelled run resumed, and a saved run
 * evaluated, encoded and reconstructed. Each interrupted run must end with the parameters of the uninterrupted one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaeIT {
    static final String PIPELINE = """
            {"name": "vae", "seed": 41, "data": {"source": "mnist"},
             "stages": [{"type": "vae", "hidden": [32], "latent": 2, "iwSamples": 20,
                         "train": {"epochs": 40, "batch": 20, "optimizer": {"kind": "adam", "lr": 0.003}}}]}
            """;

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist().property("layerwise.swap.timeout.seconds", "10");
    Path pipeline;
    Path whole;

    @BeforeAll
    void runTheWholePipeline() throws Exception {
        pipeline = PlatformIT.pipeline(felix.work(), "vae", PIPELINE);
        whole = felix.work().resolve("whole");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + whole + " " + pipeline);
        assertEquals(0, r.exitCode(), r.all());
    }

    @Test
    void updatingTheVaeBundleMidRunContinuesFromTheCheckpointBitIdentically() throws Exception {
        Path dir = felix.work().resolve("swapped");
        String id = Jobs.start(felix.platform(), dir, pipeline);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-vae"), 5);
        Bundle vae = Arrays.stream(felix.context().getBundles())
                .filter(b -> "io.layerwise.model-vae".equals(b.getSymbolicName())).findFirst().orElseThrow();
        Path jar = PlatformIT.DIST.resolve("bundle").resolve(Path.of(vae.getLocation().replaceFirst("^.*/", "")));
        vae.update(new ByteArrayInputStream(PlatformIT.withVersion(Files.readAllBytes(jar), "9.9.9")));
        PlatformIT.refresh(felix.platform(), vae);
        String status = Jobs.awaitEnd(felix.platform(), id, 120_000);
        assertTrue(status.contains(" DONE "), status);
        assertSameParameters(dir);
        String history = Files.readString(dir.resolve("history.json"));
        assertTrue(history.contains("\"bundleVersion\": \"9.9.9\""), history);
        assertTrue(Files.readString(dir.resolve("run.log")).contains("9.9.9 takes over"));
    }

    @Test
    void aCancelledRunResumesFromItsCheckpointToTheSameParameters() throws Exception {
        Path dir = felix.work().resolve("cancelled");
        String id = Jobs.start(felix.platform(), dir, pipeline);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-vae"), 3);
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        String end = Jobs.awaitEnd(felix.platform(), id, 60_000);
        assertTrue(end.contains(" CANCELLED ") || end.contains(" DONE "), end);
        Shell.Result resumed = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        if (end.contains(" CANCELLED ")) {
            assertTrue(resumed.out().contains("stage 1 (vae): resumed after epoch"), resumed.out());
        }
        assertSameParameters(dir);
    }

    @Test
    void aSavedRunEvaluatesToItsRecordedBoundsAndEncodesToThePosteriorMean() throws Exception {
        JsonObject stage = PlatformIT.json(whole.resolve("history.json")).getAsJsonArray("stages").get(0).getAsJsonObject();
        JsonArray epochs = stage.getAsJsonArray("epochs");
        JsonObject last = epochs.get(epochs.size() - 1).getAsJsonObject().getAsJsonObject("metrics");
        double elbo = last.get("testNegativeElbo").getAsDouble();
        double first = epochs.get(0).getAsJsonObject().getAsJsonObject("metrics").get("testNegativeElbo").getAsDouble();
        assertTrue(elbo < first, "training lowers the test negative ELBO: " + first + " -> " + elbo);
        assertEquals(elbo, last.get("testReconstruction").getAsDouble() + last.get("testKL").getAsDouble(), 1e-3);
        double iw = stage.getAsJsonObject("metrics").get("testLogLikelihoodIW").getAsDouble();
        assertTrue(iw >= -elbo, "log p(x) >= IW estimate >= ELBO: " + iw + " against " + -elbo);
        for (String picture : List.of("stage-1-vae/samples.png", "stage-1-vae/manifold.png",
                "stage-1-vae/reconstructions.png", "latent.png")) {
            assertTrue(Files.size(whole.resolve(picture)) > 0, picture);
        }

        Shell.Result eval = Shell.exec(felix.platform(), "layerwise:eval " + whole);
        assertEquals(0, eval.exitCode(), eval.all());
        assertTrue(eval.out().contains("all 6 metrics match history.json") && eval.out().contains("testLogLikelihoodIW"),
                eval.out());

        Path images = felix.work().resolve("data/t10k-images-idx3-ubyte.gz");
        Path codes = felix.work().resolve("vae-codes.csv");
        Shell.Result enc = Shell.exec(felix.platform(), "layerwise:encode " + whole + " " + images + " " + codes);
        assertEquals(0, enc.exitCode(), enc.all());
        List<String> lines = Files.readAllLines(codes);
        assertEquals(100, lines.size());
        assertEquals(2, lines.get(0).split(",").length, "the posterior mean of a 2-D latent");
        Shell.Result again = Shell.exec(felix.platform(), "layerwise:encode " + whole + " " + images + " " + felix.work().resolve("again.csv"));
        assertEquals(0, again.exitCode(), again.all());
        assertEquals(lines, Files.readAllLines(felix.work().resolve("again.csv")), "the code draws no noise");
        Path rec = felix.work().resolve("vae-rec.csv");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:reconstruct " + whole + " " + images + " " + rec);
        assertEquals(0, r.exitCode(), r.all());
        String[] row = Files.readAllLines(rec).get(0).split(",");
        assertEquals(784, row.length);
        for (String v : row) {
            double p = Double.parseDouble(v);
            assertTrue(p > 0 && p < 1, "a Bernoulli mean: " + v);
        }
    }

    private void assertSameParameters(Path dir) throws Exception {
        assertArrayEquals(Files.readAllBytes(whole.resolve("stage-1-vae/params.bin")),
                Files.readAllBytes(dir.resolve("stage-1-vae/params.bin")), dir + ": parameters differ from the whole run's");
    }
}
