package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.layerwise.itest.faulty.FaultyRegularizers;
import io.layerwise.launcher.Platform;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;

/** Regularizer bundles in a real embedded Felix framework: deployed live, removed live, and misbehaving. */
class RegularizerPluginIT {
    /** The example lab bundle built by the reactor (bundles/regularizer-contractive). */
    static final Path CONTRACTIVE = Path.of(System.getProperty("layerwise.contractive.jar",
            "../regularizer-contractive/target/layerwise-regularizer-contractive-0.1.0-SNAPSHOT.jar"));

    static String pipeline(String regularizers, int epochs) {
        return """
                {"name": "regularized", "seed": 7, "data": {"source": "mnist"},
                 "stages": [{"type": "ae", "hidden": 16, "regularizers": [%s],
                             "train": {"epochs": %d, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
                """.formatted(regularizers, epochs);
    }

    /** Polls {@code layerwise:regularizers} until its output satisfies {@code condition}; returns that output. */
    static String awaitListing(Platform platform, Predicate<String> condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String out;
        do {
            out = Shell.exec(platform, "layerwise:regularizers").out();
            if (condition.test(out)) {
                return out;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("not within " + timeoutMs + " ms; layerwise:regularizers shows:\n" + out);
    }

    /**
     * A lab's jar dropped into the watched deploy folder, then removed. FileInstall polls every second
     * (conf/config.properties); this framework watches a folder of its own, so the shared distribution's deploy/
     * stays untouched.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(OrderAnnotation.class)
    class LiveDeployment {
        @RegisterExtension
        static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist().setUp((work, props) ->
                assertTrue(Files.isRegularFile(CONTRACTIVE), "built by the reactor: " + CONTRACTIVE));

        /** The folder File Install watches. */
        static Path deploy() {
            return felix.work().resolve("deploy");
        }

        @Test
        @Order(1)
        void theBuiltInRegularizersAreListedWithTheirBundle() {
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:regularizers");
            assertEquals(0, r.exitCode(), r.all());
            for (String name : new String[] {"kl-sparsity", "l1", "l1-activity", "l2"}) {
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains("io.layerwise.regularizers")),
                        name + " in\n" + r.out());
            }
            assertFalse(r.out().contains("contractive"), r.out());
        }

        @Test
        @Order(2)
        void aJarDroppedIntoDeployIsListedWithinFiveSecondsAndAPipelineUsesIt() throws Exception {
            Files.copy(CONTRACTIVE, deploy().resolve("contractive.jar"));
            String listing = awaitListing(felix.platform(), out -> out.contains("contractive"), 5_000);
            String line = listing.lines().filter(l -> l.startsWith("contractive")).findFirst().orElseThrow();
            assertTrue(line.contains("io.layerwise.regularizer-contractive") && line.contains("0.1.0"), line);

            Path out = felix.work().resolve("runs/contractive");
            Path p = PlatformIT.pipeline(felix.work(), "contractive", pipeline("{\"name\": \"contractive\", \"lambda\": 0.1}", 2));
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertEquals(0, r.exitCode(), r.all());
            JsonObject history = PlatformIT.json(out.resolve("history.json"));
            assertEquals("done", history.get("status").getAsString());
            JsonArray epochs = history.getAsJsonArray("stages").get(0).getAsJsonObject().getAsJsonArray("epochs");
            assertEquals(2, epochs.size());
            JsonObject regularizer = PlatformIT.json(out.resolve("pipeline.json")).getAsJsonArray("stages").get(0)
                    .getAsJsonObject().getAsJsonArray("regularizers").get(0).getAsJsonObject();
            assertEquals(0.1, regularizer.get("lambda").getAsDouble());
        }

        @Test
        @Order(3)
        void removingTheJarUnlistsItAndAPipelineNeedingItFailsNamingTheInstalledOnes() throws Exception {
            Files.delete(deploy().resolve("contractive.jar"));
            awaitListing(felix.platform(), out -> !out.contains("contractive"), 5_000);
            Path out = felix.work().resolve("runs/contractive-gone");
            Path p = PlatformIT.pipeline(felix.work(), "contractive", pipeline("{\"name\": \"contractive\", \"lambda\": 0.1}", 2));
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.err().contains("stages[0].regularizers[0].name \"contractive\" is not an installed regularizer;"
                    + " installed: kl-sparsity (io.layerwise.regularizers "), r.err());
            assertTrue(r.err().contains("l1 (io.layerwise.regularizers ") && r.err().contains("l2 (io.layerwise.regularizers "),
                    r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertFalse(Files.exists(out));
        }
    }

    /** The current epoch in {@code layerwise:status} output ({@code ..., epoch 12/100000, ...}). */
    static int epochOf(String status) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch (\\d+)/").matcher(status);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Regularizers that throw, return NaN or poison the gradient, from a bundle built and installed by the test. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Misbehaving {
        static final String FAULTY = "io.layerwise.itest.faulty 1.0.0";
        @RegisterExtension
        static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();
        Bundle faulty;

        @BeforeAll
        void installFaultyRegularizers() throws Exception {
            byte[] jar = TestBundles.of("io.layerwise.itest.faulty", "1.0.0", FaultyRegularizers.class,
                    "io.layerwise.api.regularizer;version=\"[1.1,2)\",io.layerwise.api.spec;version=\"[1.0,2)\","
                            + "org.nd4j.linalg.api.ndarray,org.osgi.framework");
            faulty = felix.context().installBundle("test:faulty", new ByteArrayInputStream(jar));
            faulty.start();
            awaitListing(felix.platform(), out -> out.contains("poison"), 5_000);
        }

        @Test
        void aThrowingOrNanRegularizerStopsItsJobByNameWhileAnotherJobAndTheFrameworkCarryOn() throws Exception {
            Path other = PlatformIT.pipeline(felix.work(), "other", PlatformIT.TINY.replace("\"epochs\": 2", "\"epochs\": 100000"));
            String otherId = Jobs.start(felix.platform(), felix.work().resolve("runs/other"), other);

            Path throwing = PlatformIT.pipeline(felix.work(), "throwing", pipeline("{\"name\": \"throwing\"}", 2));
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("runs/throwing") + " " + throwing);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.err().contains("stage 1 (ae) epoch 1, minibatch 1: regularizer \"throwing\" (throwing() from "
                    + FAULTY + ") threw java.lang.IllegalStateException: deliberate failure in the test in onHidden"), r.err());
            assertFalse(r.err().contains("\tat "), "the trace goes to run.log only: " + r.err());
            assertTrue(Files.readString(felix.work().resolve("runs/throwing/run.log")).contains("\tat io.layerwise.itest.faulty"));

            Path nan = PlatformIT.pipeline(felix.work(), "nan", pipeline("{\"name\": \"l2\"}, {\"name\": \"nan\"}", 2));
            r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("runs/nan") + " " + nan);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.err().contains("stage 1 (ae) epoch 1, minibatch 1: regularizer \"nan\" (nan() from " + FAULTY
                    + ") returned NaN from onHidden"), r.err());

            // the other job is still running, and keeps making progress after both failures
            String status = Shell.exec(felix.platform(), "layerwise:status " + otherId).out();
            assertTrue(status.contains("RUNNING"), status);
            int epoch = epochOf(status);
            long deadline = System.currentTimeMillis() + 60_000;
            while (epochOf(status) <= epoch && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                status = Shell.exec(felix.platform(), "layerwise:status " + otherId).out();
            }
            assertTrue(status.contains("RUNNING") && epochOf(status) > epoch, "after epoch " + epoch + ": " + status);
            Shell.exec(felix.platform(), "layerwise:cancel " + otherId);
            assertEquals(Bundle.ACTIVE, felix.context().getBundle(0).getState());
            assertEquals(Bundle.ACTIVE, faulty.getState());
        }

        /**
         * poison(after=20) corrupts the hidden delta at minibatch 21 (epoch 2 of 15-batch epochs), so the loss of
         * minibatch 22 is NaN: the stage stops at once, names the regularizers, and epoch 1's model stays, intact.
         */
        @Test
        void aStageWhoseLossTurnsNanStopsAtOnceAndKeepsTheLastGoodModel() throws Exception {
            Path out = felix.work().resolve("runs/poison");
            Path p = PlatformIT.pipeline(felix.work(), "poison",
                    pipeline("{\"name\": \"l2\", \"lambda\": 0.001}, {\"name\": \"poison\", \"after\": 20}", 5));
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertNotEquals(0, r.exitCode());
            Path stageDir = out.resolve("stage-1-ae");
            assertTrue(r.err().contains("stage 1 (ae) diverged in epoch 2, minibatch 7: the loss is NaN; regularizers:"
                    + " l2(lambda=0.001) from io.layerwise.regularizers "), r.err());
            assertTrue(r.err().contains(", poison(after=20) from " + FAULTY + "; lower the learning rate"
                    + " (stages[0].train.optimizer.lr); the model of epoch 1 is kept in " + stageDir), r.err());

            JsonObject history = PlatformIT.json(out.resolve("history.json"));
            assertEquals("failed", history.get("status").getAsString());
            assertEquals(1, history.getAsJsonArray("stages").get(0).getAsJsonObject().getAsJsonArray("epochs").size());
            byte[] params = Files.readAllBytes(stageDir.resolve("params.bin"));
            for (var e : PlatformIT.json(stageDir.resolve("model.json")).getAsJsonArray("parameters")) {
                JsonObject entry = e.getAsJsonObject();
                int offset = entry.get("offset").getAsInt();
                int count = entry.get("count").getAsInt();
                ByteBuffer b = ByteBuffer.wrap(params, offset, 4 * count).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    float v = b.getFloat();
                    assertTrue(Float.isFinite(v), entry.get("name") + "[" + i + "] = " + v);
                }
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOfRange(params, offset,
                        offset + 4 * count));
                assertEquals(entry.get("sha256").getAsString(), HexFormat.of().formatHex(digest));
            }
        }
    }
}
