package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.layerwise.itest.legacy.LegacySource;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;

/**
 * A lab's own data through the installed sources, in the framework: a CSV table with named classes, scaled and split,
 * encoded afterwards with the run's own scaling; a float32 IDX image set; the Swiss roll with its trustworthiness.
 * (Each source's bad inputs are cases of BadInputIT.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataSourcesIT {
    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();

    private JsonObject run(String name, String data, String stages) throws Exception {
        Path p = PlatformIT.pipeline(felix.work(), name, "{\"name\": \"" + name + "\", \"seed\": 3, \"data\": " + data
                + ", \"stages\": " + stages + "}");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("runs/" + name) + " " + p);
        assertEquals(0, r.exitCode(), r.all());
        JsonObject history = PlatformIT.json(felix.work().resolve("runs/" + name + "/history.json"));
        assertEquals("done", history.get("status").getAsString(), history.toString());
        return history;
    }

    @Test
    void everySourceIsListed() {
        String out = Shell.exec(felix.platform(), "layerwise:datasets").out();
        for (String name : List.of("mnist", "csv", "idx", "swiss-roll")) {
            assertTrue(out.contains(name), name + " in " + out);
        }
    }

    /** A source registered under the key used before api 1.2 ({@code layerwise.data.name}) is listed and runs. */
    @Test
    void aSourceRegisteredUnderTheOldKeyIsListedAndUsed() throws Exception {
        byte[] jar = TestBundles.of("io.layerwise.itest.legacy", "1.0.0", LegacySource.class,
                "io.layerwise.api.data;version=\"[1.1,2)\",io.layerwise.api.spec;version=\"[1.0,2)\",org.osgi.framework");
        Bundle legacy = felix.context().installBundle("test:legacy", new ByteArrayInputStream(jar));
        legacy.start();
        try {
            String out = Shell.exec(felix.platform(), "layerwise:datasets").out();
            assertTrue(out.lines().anyMatch(l -> l.contains("legacy-rows") && l.contains("io.layerwise.itest.legacy")),
                    out);
            run("legacy", "{\"source\": \"legacy-rows\"}", "[{\"type\": \"ae\", \"hidden\": 2, \"train\": {\"epochs\": 1,"
                    + " \"batch\": 10, \"optimizer\": {\"kind\": \"sgd\", \"lr\": 0.1}}}]");
        } finally {
            legacy.uninstall();
        }
    }

    /** Columns of very different scales, a text label; min-max fitted on the training rows, applied at encode. */
    @Test
    void aCsvTableTrainsAndItsSavedScalingAppliesWhenEncoding() throws Exception {
        StringBuilder sb = new StringBuilder("height;weight;kind\n");
        Random r = new Random(1);
        for (int i = 0; i < 300; i++) {
            boolean big = i % 2 == 0;
            sb.append(String.format(Locale.ROOT, "%.3f;%.1f;%s%n", (big ? 1.8 : 0.3) + 0.05 * r.nextGaussian(),
                    (big ? 900 : 100) + 10 * r.nextGaussian(), big ? "\"large, heavy\"" : "small"));
        }
        Files.writeString(felix.work().resolve("animals.csv"), sb.toString());
        JsonObject h = run("csv", "{\"source\": \"csv\", \"train\": \"animals.csv\", \"delimiter\": \";\","
                + " \"header\": true, \"label\": \"kind\", \"testFraction\": 0.2, \"scale\": \"min-max\"}",
                "[{\"type\": \"ae\", \"hidden\": 1, \"train\": {\"epochs\": 2, \"batch\": 10,"
                        + " \"optimizer\": {\"kind\": \"sgd\", \"lr\": 0.1}}}]");
        assertEquals(240, h.getAsJsonArray("stages").get(0).getAsJsonObject().get("trainSamples").getAsInt());
        Path runDir = felix.work().resolve("runs/csv");
        assertTrue(Files.isRegularFile(runDir.resolve("latent.png")));
        JsonObject scaling = PlatformIT.json(runDir.resolve("scaling.json"));
        assertEquals("min-max", scaling.get("kind").getAsString());
        // a raw row at the training minimum and one at the maximum encode as their scaled selves would
        float minH = scaling.getAsJsonArray("offset").get(0).getAsFloat();
        float minW = scaling.getAsJsonArray("offset").get(1).getAsFloat();
        float maxH = minH + 1 / scaling.getAsJsonArray("factor").get(0).getAsFloat();
        float maxW = minW + 1 / scaling.getAsJsonArray("factor").get(1).getAsFloat();
        Files.writeString(felix.work().resolve("raw.csv"), minH + "," + minW + "\n" + maxH + "," + maxW + "\n");
        Files.writeString(felix.work().resolve("scaled.csv"), "0,0\n1,1\n");
        assertEquals(0, Shell.exec(felix.platform(), "layerwise:reconstruct " + runDir + " " + felix.work().resolve("raw.csv") + " "
                + felix.work().resolve("raw-out.csv")).exitCode());
        Files.delete(runDir.resolve("scaling.json")); // now the same run, unscaled: fed the scaled rows directly
        assertEquals(0, Shell.exec(felix.platform(), "layerwise:reconstruct " + runDir + " " + felix.work().resolve("scaled.csv") + " "
                + felix.work().resolve("scaled-out.csv")).exitCode());
        assertArrayEquals(numbers(felix.work().resolve("scaled-out.csv")), numbers(felix.work().resolve("raw-out.csv")), 1e-5f);
    }

    @Test
    void aFloat32IdxImageSetTrains() throws Exception {
        Path images = felix.work().resolve("patches-idx3-f32");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(images))) {
            out.writeInt(0x0D03);
            out.writeInt(200);
            out.writeInt(4);
            out.writeInt(4);
            Random r = new Random(2);
            for (int i = 0; i < 200 * 16; i++) {
                out.writeFloat((float) r.nextGaussian());
            }
        }
        JsonObject h = run("idx", "{\"source\": \"idx\", \"trainImages\": \"" + images + "\"}",
                "[{\"type\": \"pca\", \"components\": 3}]");
        assertEquals(200, h.getAsJsonArray("stages").get(0).getAsJsonObject().get("trainSamples").getAsInt());
    }

    /** The roll's 2-D PCA code: trustworthiness recorded, latent.png coloured by t. */
    @Test
    void theSwissRollRecordsTheTrustworthinessOfItsTwoDimensionalCode() throws Exception {
        JsonObject h = run("roll", "{\"source\": \"swiss-roll\", \"n\": 400, \"test\": 100, \"noise\": 0.05,"
                + " \"scale\": \"standardize\"}", "[{\"type\": \"pca\", \"components\": 2, \"epsilon\": 0}]");
        double t = h.get("trustworthiness").getAsDouble();
        assertTrue(t > 0.7 && t < 0.97, "PCA neither scrambles the roll nor unrolls it: " + t);
        assertEquals(100, h.getAsJsonObject("trustworthinessOf").get("rows").getAsInt());
        assertEquals(10, h.getAsJsonObject("trustworthinessOf").get("k").getAsInt());
        assertTrue(Files.size(felix.work().resolve("runs/roll/latent.png")) > 1000);
    }

    private static float[] numbers(Path csv) throws Exception {
        String[] cells = Files.readString(csv).strip().split("[,\\n]");
        float[] out = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = Float.parseFloat(cells[i].strip());
        }
        return out;
    }
}
