package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.layerwise.launcher.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

/** The assembled distribution started in a real embedded Felix framework. */
class PlatformIT {
    static final Path DIST = Path.of(System.getProperty("layerwise.dist", "../../runtime/target/layerwise"));

    static final String TINY = """
            {"name": "tiny", "seed": 7, "data": {"source": "mnist"},
             "stages": [{"type": "dae", "hidden": 16, "noise": {"kind": "mask", "level": 0.3},
                         "train": {"epochs": 2, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
            """;

    static Path pipeline(Path work, String name, String json) throws IOException {
        Path p = work.resolve(name + ".json");
        Files.writeString(p, json);
        return p;
    }

    /** {@code pipeline} with {@code fields} added to its (one) stage's train section. */
    static String withTrain(String pipeline, String fields) {
        return pipeline.replace("\"lr\": 0.1}}", "\"lr\": 0.1}, " + fields + "}");
    }

    static JsonObject json(Path p) throws IOException {
        return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    }

    /** Refreshes {@code b} (null: every bundle waiting for it) and waits until the framework says it is done. */
    static void refresh(Platform platform, Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        platform.context().getBundle(0).adapt(FrameworkWiring.class)
                .refreshBundles(b == null ? null : List.of(b), e -> {
                    if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                        done.countDown();
                    }
                });
        assertTrue(done.await(30, TimeUnit.SECONDS), "refresh finished");
    }

    /**
     * The state a bundle of the distribution has once the framework started: a fragment and a bundle the launcher
     * leaves to whoever needs it ({@code layerwise.start.onDemand}: Jetty, for the web view) RESOLVED, a lazy bundle (the
     * ND4J runtime) STARTING until the first class is loaded from it, every other one ACTIVE.
     */
    static int startedState(BundleContext ctx, Bundle b) {
        if (b.getHeaders().get("Fragment-Host") != null || List.of(String.valueOf(
                ctx.getProperty("layerwise.start.onDemand")).split(",")).contains(b.getSymbolicName())) {
            return Bundle.RESOLVED;
        }
        boolean lazy = "lazy".equals(b.getHeaders().get("Bundle-ActivationPolicy"));
        return lazy && b.getState() == Bundle.STARTING ? Bundle.STARTING : Bundle.ACTIVE;
    }

    static List<ServiceReference<?>> services(BundleContext ctx, String type) throws Exception {
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(type, null);
        return refs == null ? List.of() : Arrays.asList(refs);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Running {
        @RegisterExtension
        static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();

        @Test
        void everyBundleResolvesAndStarts() {
            for (Bundle b : felix.context().getBundles()) {
                assertEquals(startedState(felix.context(), b), b.getState(), b.getSymbolicName() + " " + b.getVersion());
            }
        }

        @Test
        void stageProvidersRegularizersDataSourcesAndHeadsAppearUnderTheirTypeKeys() throws Exception {
            BundleContext ctx = felix.context();
            List<String> types = services(ctx, "io.layerwise.api.stage.StageProvider").stream()
                    .map(r -> (String) r.getProperty("layerwise.stage.type")).sorted().toList();
            assertEquals(List.of("ae", "conv-ae", "dae", "pca", "rbm", "sparse-ae", "vae", "zca"), types);
            // the keys that @RegularizerType, @DataSourceType and @HeadType set
            List<String> regularizers = services(ctx, "io.layerwise.api.regularizer.Regularizer").stream()
                    .map(r -> (String) r.getProperty("layerwise.regularizer.type")).sorted().toList();
            assertEquals(List.of("kl-sparsity", "l1", "l1-activity", "l2"), regularizers);
            List<String> sources = services(ctx, "io.layerwise.api.data.DataSource").stream()
                    .map(r -> (String) r.getProperty("layerwise.data.source.type")).sorted().toList();
            assertEquals(List.of("csv", "idx", "mnist", "swiss-roll"), sources);
            List<String> heads = services(ctx, "io.layerwise.api.finetune.FineTuner").stream()
                    .map(r -> (String) r.getProperty("layerwise.finetune.head.type")).sorted().toList();
            assertEquals(List.of("autoencoder", "softmax"), heads);
            assertEquals(1, services(ctx, "io.layerwise.api.backend.Backend").size());
        }

        @Test
        void typesListsEachTypeWithItsBundleAndVersion() {
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:types");
            assertEquals(0, r.exitCode(), r.all());
            assertTrue(r.out().contains("dae") && r.out().contains("io.layerwise.model-dae")
                    && r.out().contains("io.layerwise.model-ae") && r.out().contains("io.layerwise.model-rbm"), r.out());
        }

        @Test
        void aTinyPipelineRunsToTheEndAndWritesItsRunDirectory() throws Exception {
            Path p = pipeline(felix.work(), "tiny", TINY);
            Path out = felix.work().resolve("runs/tiny-1");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertEquals(0, r.exitCode(), r.all());
            assertTrue(r.out().contains("Epoch 2/2"), r.out());
            JsonObject history = json(out.resolve("history.json"));
            assertEquals("done", history.get("status").getAsString());
            JsonObject stage = history.getAsJsonArray("stages").get(0).getAsJsonObject();
            assertEquals("io.layerwise.model-dae", stage.get("bundle").getAsString());
            var epochs = stage.getAsJsonArray("epochs");
            assertEquals(2, epochs.size());
            double first = epochs.get(0).getAsJsonObject().get("loss").getAsDouble();
            double second = epochs.get(1).getAsJsonObject().get("loss").getAsDouble();
            assertTrue(second < first, "training lowers the loss: " + first + " -> " + second);
            assertTrue(epochs.get(1).getAsJsonObject().getAsJsonObject("metrics").has("testReconstructionCE"));
            Path stageDir = out.resolve("stage-1-dae");
            assertTrue(Files.size(stageDir.resolve("params.bin")) == 4L * (784 * 16 + 16 + 784));
            assertEquals("layerwise-model", json(stageDir.resolve("model.json")).get("format").getAsString());
            var img = ImageIO.read(stageDir.resolve("filters.png").toFile());
            assertEquals(4 * 28 + 3, img.getWidth(), "16 filters tile as 4x4 with 1-pixel gaps");
            assertEquals(16, json(out.resolve("pipeline.json")).getAsJsonArray("stages").get(0).getAsJsonObject()
                    .get("hidden").getAsInt());
        }

        @Test
        void aPipelineWithAFinetuneSectionTrainsASoftmaxOnTheStackAndReportsTestError() throws Exception {
            Path p = pipeline(felix.work(), "tiny-finetune", TINY.replace("]}\n", "],\n \"finetune\": {\"epochs\": 3, \"validation\": 0.2}}\n"));
            Path out = felix.work().resolve("runs/tiny-finetune");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertEquals(0, r.exitCode(), r.all());
            JsonObject history = json(out.resolve("history.json"));
            JsonObject finetune = history.getAsJsonObject("finetune");
            assertEquals("io.layerwise.finetune", finetune.get("bundle").getAsString());
            assertEquals(240, finetune.get("trainSamples").getAsInt(), "300 rows less the last 20% held out");
            assertEquals(60, finetune.get("validationSamples").getAsInt());
            assertEquals(240, history.getAsJsonArray("stages").get(0).getAsJsonObject().get("trainSamples").getAsInt(),
                    "validation rows take no part in pretraining either");
            assertEquals(3, finetune.getAsJsonArray("epochs").size());
            double testError = finetune.get("testError").getAsDouble();
            assertTrue(testError < 0.5, "ten separable bar orientations: " + testError);
            assertEquals(0.2, json(out.resolve("pipeline.json")).getAsJsonObject("finetune").get("validation").getAsDouble());
            assertTrue(Files.exists(out.resolve("finetune/params.bin")));
        }

        @Test
        void aRunDirectoryReloadsToTheSameMetricsAndEncodesNewData() throws Exception {
            Path out = felix.work().resolve("runs/saved");
            assertEquals(0, Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + pipeline(felix.work(), "tiny", TINY)).exitCode());
            Shell.Result eval = Shell.exec(felix.platform(), "layerwise:eval " + out);
            assertEquals(0, eval.exitCode(), eval.all());
            assertTrue(eval.out().contains("all 2 metrics match history.json"), eval.out());

            Path codes = felix.work().resolve("codes.csv");
            Path images = felix.work().resolve("data/t10k-images-idx3-ubyte.gz");
            Shell.Result enc = Shell.exec(felix.platform(), "layerwise:encode " + out + " " + images + " " + codes);
            assertEquals(0, enc.exitCode(), enc.all());
            List<String> lines = Files.readAllLines(codes);
            assertEquals(100, lines.size(), "one line per test image");
            assertEquals(16, lines.get(0).split(",").length, "the 16-unit code");
            Shell.Result rec = Shell.exec(felix.platform(), "layerwise:reconstruct " + out + " " + images + " " + felix.work().resolve("rec.csv"));
            assertEquals(0, rec.exitCode(), rec.all());
            assertEquals(784, Files.readAllLines(felix.work().resolve("rec.csv")).get(0).split(",").length);

            Path params = out.resolve("stage-1-dae/params.bin");
            byte[] bytes = Files.readAllBytes(params);
            bytes[40] ^= 1;
            Files.write(params, bytes);
            Shell.Result broken = Shell.exec(felix.platform(), "layerwise:encode " + out + " " + images + " " + felix.work().resolve("x.csv"));
            assertNotEquals(0, broken.exitCode());
            assertTrue(broken.err().contains(params + ": parameter W has SHA-256"), broken.err());
            assertFalse(Files.exists(felix.work().resolve("x.csv")), "nothing written from a damaged model");
        }

        /**
         * CSV input to encode: a byte-order mark, a signed first cell, NaN, and a header. Every data row gives a code (3
         * rows in, 3 codes out, in order), a header line is skipped only with --header, and the command says which.
         */
        @Test
        void csvInputKeepsEveryDataRowAndTheCommandSaysHowItReadTheFile() throws Exception {
            Path out = felix.work().resolve("runs/csv-input");
            assertEquals(0, Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + pipeline(felix.work(), "tiny", TINY)).exitCode());
            StringBuilder rows = new StringBuilder();
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 784; c++) {
                    rows.append(c == 0 ? "" : ",").append((r * 784 + c) % 7 / 6.0f);
                }
                rows.append('\n');
            }
            String plain = "0.5" + rows.substring(rows.indexOf(","));
            Path reference = felix.work().resolve("plain.csv");
            Files.writeString(reference, plain);
            Path marked = felix.work().resolve("marked.csv");
            Files.writeString(marked, "\ufeff+" + plain);
            Path headed = felix.work().resolve("headed.csv");
            StringBuilder names = new StringBuilder("pixel0");
            for (int c = 1; c < 784; c++) {
                names.append(",pixel").append(c);
            }
            Files.writeString(headed, "\ufeff" + names + "\n" + plain);

            Shell.Result ref = Shell.exec(felix.platform(), "layerwise:encode " + out + " " + reference + " " + felix.work().resolve("ref.csv"));
            assertEquals(0, ref.exitCode(), ref.all());
            assertTrue(ref.out().contains("read " + reference + ": CSV, 3 rows of 784 values, no header line (the first line"
                    + " is data)\nwrote 3 codes of 16 values (stage 1)"), ref.out());
            List<String> expected = Files.readAllLines(felix.work().resolve("ref.csv"));
            assertEquals(3, expected.size());

            Shell.Result m = Shell.exec(felix.platform(), "layerwise:encode " + out + " " + marked + " " + felix.work().resolve("marked-codes.csv"));
            assertEquals(0, m.exitCode(), m.all());
            assertTrue(m.out().contains(": CSV, 3 rows of 784 values, no header line (the first line is data), UTF-8"
                    + " byte-order mark removed"), m.out());
            assertEquals(expected, Files.readAllLines(felix.work().resolve("marked-codes.csv")), "the same 3 codes, none shifted");

            Shell.Result h = Shell.exec(felix.platform(), "layerwise:encode --header " + out + " " + headed + " "
                    + felix.work().resolve("headed-codes.csv"));
            assertEquals(0, h.exitCode(), h.all());
            assertTrue(h.out().contains(": CSV, 3 rows of 784 values, header line 1 skipped (--header), UTF-8 byte-order"
                    + " mark removed"), h.out());
            assertEquals(expected, Files.readAllLines(felix.work().resolve("headed-codes.csv")));

            Shell.Result noFlag = Shell.exec(felix.platform(), "layerwise:encode " + out + " " + headed + " " + felix.work().resolve("x.csv"));
            assertNotEquals(0, noFlag.exitCode());
            assertEquals(headed + ": line 1, column 1: not a finite number: \"pixel0\"; if line 1 is a header, give --header",
                    noFlag.err().strip());

            Shell.Result rec = Shell.exec(felix.platform(), "layerwise:reconstruct -H " + out + " " + headed + " " + felix.work().resolve("r.csv"));
            assertEquals(0, rec.exitCode(), rec.all());
            assertEquals(3, Files.readAllLines(felix.work().resolve("r.csv")).size());

            Shell.Result help = Shell.exec(felix.platform(), "help layerwise:encode");
            assertTrue(help.out().contains("--header") && help.out().contains("first line is a header"), help.out());
        }

        @Test
        void anAutoencoderAfterZcaDefaultsToIdentityOutputAndSquaredError() throws Exception {
            Path p = pipeline(felix.work(), "zca-ae", """
                    {"name": "zca-ae", "seed": 7, "data": {"source": "mnist"},
                     "stages": [{"type": "zca", "epsilon": 0.1},
                                {"type": "ae", "hidden": 16,
                                 "train": {"epochs": 1, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.01}}}]}
                    """);
            Path out = felix.work().resolve("runs/zca-ae");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertEquals(0, r.exitCode(), r.all());
            var stages = json(out.resolve("pipeline.json")).getAsJsonArray("stages");
            assertEquals(0.1, stages.get(0).getAsJsonObject().get("epsilon").getAsDouble());
            JsonObject ae = stages.get(1).getAsJsonObject();
            assertEquals("identity", ae.get("decoder").getAsString(), ae.toString());
            assertEquals("squared", ae.get("loss").getAsString(), ae.toString());
            JsonObject history = json(out.resolve("history.json"));
            assertEquals("done", history.get("status").getAsString());
            JsonObject zca = history.getAsJsonArray("stages").get(0).getAsJsonObject();
            assertEquals("io.layerwise.model-whitening", zca.get("bundle").getAsString());
            JsonObject metrics = zca.getAsJsonArray("epochs").get(0).getAsJsonObject().getAsJsonObject("metrics");
            double whitened = metrics.get("whitenedVarianceMean").getAsDouble();
            assertTrue(whitened > 0 && whitened < 1, metrics.toString());
            assertTrue(history.getAsJsonArray("stages").get(1).getAsJsonObject().getAsJsonArray("epochs").get(0)
                    .getAsJsonObject().getAsJsonObject("metrics").has("testSquaredError"));
            Path stageDir = out.resolve("stage-1-zca");
            assertEquals(4L * (784 + 2 * 784 * 784 + 784), Files.size(stageDir.resolve("params.bin")));
            var whitenedPng = ImageIO.read(stageDir.resolve("whitened.png").toFile());
            assertEquals(20 * 29 - 1, whitenedPng.getWidth(), "20 tiles a row: 10 digits, each before and after");
            assertEquals(10 * 29 - 1, whitenedPng.getHeight(), "100 test digits");
            assertTrue(Files.exists(stageDir.resolve("filters.png")));
        }

        @Test
        void anUnknownStageTypeNamesTheInstalledOnesAndLeavesNoRunDirectory() throws Exception {
            Path p = pipeline(felix.work(), "bad-type", TINY.replace("\"dae\"", "\"dea\""));
            Path out = felix.work().resolve("runs/bad-type");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.err().contains("stages[0].type \"dea\" is not an installed stage type; installed: ae (io.layerwise.model-ae"),
                    r.err());
            assertTrue(r.err().contains("dae (io.layerwise.model-dae"), r.err());
            assertFalse(Files.exists(out));
        }

        @Test
        void badFieldsAreNamedByTheirJsonPath() throws Exception {
            Map<String, String> cases = Map.of(
                    TINY.replace("\"hidden\": 16", "\"hiden\": 16"), "stages[0].hiden is not a known field",
                    TINY.replace("\"level\": 0.3", "\"level\": 1.5"), "stages[0].noise.level must be in [0, 1], got 1.5",
                    TINY.replace("\"hidden\": 16", "\"hidden\": \"16\""), "stages[0].hidden must be an integer, got \"16\"",
                    TINY.replace("\"batch\": 20", "\"batch\": 0"), "stages[0].train.batch must be in",
                    TINY.replace("{\"name\"", "{,\"name\""), "malformed JSON",
                    TINY.replace("]}\n", "], \"finetune\": {\"head\": \"svm\"}}\n"),
                    "finetune.head \"svm\" is not an installed fine-tuning head; installed: autoencoder (io.layerwise.finetune",
                    TINY.replace("]}\n", "], \"finetune\": {\"epoch\": 3}}\n"), "finetune.epoch is not a known field");
            assertEachFailsNamingItsError(cases, "bad-");
        }

        /**
         * Runs each pipeline (key) and expects it to fail with a message containing its value and the pipeline's
         * path, with no stack trace and no run directory left behind.
         */
        private void assertEachFailsNamingItsError(Map<String, String> cases, String prefix) throws Exception {
            int i = 0;
            for (var c : cases.entrySet()) {
                Path p = pipeline(felix.work(), prefix + i, c.getKey());
                Path out = felix.work().resolve("runs/" + prefix + i++);
                Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
                assertNotEquals(0, r.exitCode(), c.getValue());
                assertTrue(r.err().contains(c.getValue()) && r.err().contains(p.toString()), r.err());
                assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
                assertFalse(Files.exists(out), "no run directory for " + c.getValue());
            }
        }

        @Test
        void badValidationAndEarlyStoppingFieldsAreNamedByTheirJsonPath() throws Exception {
            Map<String, String> cases = Map.of(
                    withTrain(TINY, "\"validation\": 0.7"), "stages[0].train.validation must be a fraction of the"
                            + " training rows in [0, 0.5] or \"test\", got 0.7",
                    withTrain(TINY, "\"validation\": 0.001"), "stages[0].train.validation 0.001 holds out 0 of 300"
                            + " training rows",
                    withTrain(TINY, "\"earlyStopping\": {\"monitor\": \"val_loss\"}"), "stages[0].train.earlyStopping"
                            + ".monitor \"val_loss\" needs validation rows; set stages[0].train.validation or monitor \"loss\"",
                    withTrain(TINY, "\"earlyStopping\": {\"patience\": 0}"),
                    "stages[0].train.earlyStopping.patience must be in [1, ",
                    withTrain(TINY, "\"earlyStopping\": {\"patients\": 3}"),
                    "stages[0].train.earlyStopping.patients is not a known field",
                    TINY.replace("]}\n", "], \"finetune\": {\"validation\": 0, \"earlyStopping\": {\"monitor\": \"val_error\"}}}\n"),
                    "finetune.earlyStopping.monitor \"val_error\" needs validation rows; set finetune.validation",
                    TINY.replace("{\"type\": \"dae\", \"hidden\": 16, \"noise\": {\"kind\": \"mask\", \"level\": 0.3},",
                            "{\"type\": \"pca\", \"components\": 10,").replace("\"epochs\": 2, \"batch\": 20, "
                            + "\"optimizer\": {\"kind\": \"sgd\", \"lr\": 0.1}", "\"validation\": 0.1"),
                    "stages[0].train is not a known field");
            assertEachFailsNamingItsError(cases, "bad-train-");
        }

        /**
         * minDelta 1000 makes every epoch after the first "no improvement", so patience 1 stops the stage after epoch
         * 2 of 6; restoreBest then saves epoch 1's parameters, which eval recomputes epoch 1's test metric from.
         */
        @Test
        void earlyStoppingStopsAStageSaysWhyAndRestoreBestSavesTheBestEpoch() throws Exception {
            Path p = pipeline(felix.work(), "early", withTrain(TINY.replace("\"epochs\": 2", "\"epochs\": 6"),
                    "\"validation\": 0.2, \"earlyStopping\": {\"patience\": 1, \"minDelta\": 1000, \"restoreBest\": true}"));
            Path out = felix.work().resolve("runs/early");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
            assertEquals(0, r.exitCode(), r.all());
            assertTrue(r.out().contains("stage 1 (dae): stopped early after epoch 2: val_loss did not improve by minDelta"
                    + " 1000 for 1 epoch (best "), r.out());
            assertTrue(r.out().matches("(?s).*Epoch 2/6 \\[={30}\\] 240/240 - \\S+s - loss: \\S+ - val_loss: \\S+ - "
                    + "testReconstructionCE: .*"), r.out());
            JsonObject stage = json(out.resolve("history.json")).getAsJsonArray("stages").get(0).getAsJsonObject();
            assertEquals(240, stage.get("trainSamples").getAsInt(), "300 rows less the 20% held out");
            assertEquals(60, stage.get("validationSamples").getAsInt());
            var epochs = stage.getAsJsonArray("epochs");
            assertEquals(2, epochs.size(), "stopped after epoch 2 of 6");
            JsonObject stopped = stage.getAsJsonObject("stopped");
            assertEquals(2, stopped.get("epoch").getAsInt());
            assertEquals(1, stopped.get("bestEpoch").getAsInt());
            assertEquals("val_loss", stopped.get("monitor").getAsString());
            assertTrue(stopped.get("reason").getAsString().endsWith("; restored epoch 1"), stopped.toString());
            assertEquals(1, stage.get("restoredEpoch").getAsInt());
            double first = epochs.get(0).getAsJsonObject().getAsJsonObject("metrics").get("testReconstructionCE").getAsDouble();
            double second = epochs.get(1).getAsJsonObject().getAsJsonObject("metrics").get("testReconstructionCE").getAsDouble();
            assertTrue(epochs.get(1).getAsJsonObject().get("val_loss").getAsDouble() > 0);
            assertNotEquals(String.format(java.util.Locale.ROOT, "%.6f", first),
                    String.format(java.util.Locale.ROOT, "%.6f", second));

            Shell.Result eval = Shell.exec(felix.platform(), "layerwise:eval " + out);
            assertEquals(0, eval.exitCode(), eval.all());
            assertTrue(eval.out().contains("all 2 metrics match history.json"), eval.out());
            assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "%.6f", first)),
                    "the saved model is epoch 1's: " + eval.out());
        }

        @Test
        void statusShowsTheRunningEpochsProgressLineOfAnAsyncRun() throws Exception {
            Path p = pipeline(felix.work(), "long", withTrain(TINY.replace("\"epochs\": 2", "\"epochs\": 100000"),
                    "\"validation\": \"test\""));
            String id = Jobs.start(felix.platform(), felix.work().resolve("runs/long"), p);
            java.util.regex.Pattern line = java.util.regex.Pattern.compile("Epoch (\\d+)/100000 \\[[=>.]{30}\\] \\d+/300"
                    + " - ETA \\S+( - loss: \\d+\\.\\d{4})? - val_loss: \\d+\\.\\d{4}");
            try {
                String status = "";
                int firstEpoch = -1;
                int laterEpoch = -1;
                long deadline = System.currentTimeMillis() + 60_000;
                while (laterEpoch <= firstEpoch && System.currentTimeMillis() < deadline) {
                    status = Shell.exec(felix.platform(), "layerwise:status " + id).out();
                    java.util.regex.Matcher m = line.matcher(status);
                    if (m.find()) {
                        if (firstEpoch < 0) {
                            firstEpoch = Integer.parseInt(m.group(1));
                        }
                        laterEpoch = Integer.parseInt(m.group(1));
                    }
                    Thread.sleep(50);
                }
                assertTrue(firstEpoch > 0 && laterEpoch > firstEpoch, "a progress line that moves on: " + status);
                assertTrue(status.contains("job " + id + " RUNNING pipeline tiny, stage 1/1 dae, epoch "), status);
            } finally {
                Shell.exec(felix.platform(), "layerwise:cancel " + id);
            }
            long deadline = System.currentTimeMillis() + 30_000;
            String status = Shell.exec(felix.platform(), "layerwise:status " + id).out();
            while (!status.contains("CANCELLED") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                status = Shell.exec(felix.platform(), "layerwise:status " + id).out();
            }
            assertTrue(status.contains("CANCELLED"), status);
            assertFalse(status.contains("ETA"), "no progress line once the job ended: " + status);
        }

        @Test
        void aCorruptIdxFileIsNamedAndNothingIsWritten() throws Exception {
            Path data = felix.work().resolve("corrupt");
            SyntheticMnist.write(data, 50, 20);
            Path labels = data.resolve("train-labels-idx1-ubyte.gz");
            byte[] bytes = Files.readAllBytes(data.resolve("train-images-idx3-ubyte.gz"));
            Files.write(labels, bytes); // images where labels belong: wrong magic number
            Path p = pipeline(felix.work(), "corrupt", TINY);
            Path out = felix.work().resolve("runs/corrupt");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --data " + data + " --out " + out + " " + p);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.err().contains("train-labels-idx1-ubyte.gz"), r.err());
            assertFalse(Files.exists(out));
        }

        @Test
        void benchTimesTheDaeWorkloadThroughTheEngineAndEndsWithAResultLine() {
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:bench --batch 50 --epochs 3 dae");
            assertEquals(0, r.exitCode(), r.all());
            String[] lines = r.out().strip().split("\n");
            String last = lines[lines.length - 1];
            assertTrue(last.startsWith("RESULT {"), r.out());
            JsonObject result = JsonParser.parseString(last.substring("RESULT ".length())).getAsJsonObject();
            assertEquals("dae", result.get("workload").getAsString());
            assertEquals(50, result.get("batch").getAsInt());
            assertEquals(300, result.get("samples").getAsInt(), "the synthetic training set");
            JsonObject seconds = result.getAsJsonObject("secondsPerEpoch");
            assertEquals(2, seconds.get("count").getAsInt(), "epochs 2 and 3; epoch 1 is warm-up");
            assertTrue(seconds.get("min").getAsDouble() > 0 && seconds.get("min").getAsDouble() <= seconds.get("median").getAsDouble());
            assertTrue(result.get("peakFraction").getAsDouble() > 0);
            assertTrue(result.get("loss").getAsDouble() > 0);
            assertTrue(result.get("backend").getAsString().startsWith("linux-x86_64"));
            assertEquals(1, result.getAsJsonObject("threads").get("omp").getAsInt());
            assertTrue(result.has("openblasCoretype"));
        }

        @Test
        void backendReportsFlavourThreadsAndGemmSpeed() {
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:backend --seconds 0.2");
            assertEquals(0, r.exitCode(), r.all());
            assertTrue(r.out().contains("linux-x86_64") && r.out().contains("GFLOP/s"), r.out());
            assertTrue(r.out().contains("JIT compilers     C1 and C2 (tiered)"), r.out()); // the test JVM's defaults
            assertTrue(r.out().contains("BLAS self-test    passed ("), r.out());
        }
    }

    /** Updating and uninstalling the DAE bundle while the framework runs; ordered, in a framework of its own. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(OrderAnnotation.class)
    class HotSwap {
        @RegisterExtension
        static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();

        Bundle dae() {
            return Arrays.stream(felix.context().getBundles())
                    .filter(b -> "io.layerwise.model-dae".equals(b.getSymbolicName())).findFirst().orElseThrow();
        }

        @Test
        @Order(1)
        void updatingTheDaeBundleFromANewJarIsSeenByTypesAndTheNextRun() throws Exception {
            Bundle dae = dae();
            Path jar = DIST.resolve("bundle").resolve(Path.of(dae.getLocation().replaceFirst("^.*/", "")));
            byte[] rebuilt = withVersion(Files.readAllBytes(Files.exists(jar) ? jar : locate(dae)), "9.9.9");
            dae.update(new java.io.ByteArrayInputStream(rebuilt));
            refresh(felix.platform(), dae);
            awaitStageType("dae", "9.9.9");
            Shell.Result types = Shell.exec(felix.platform(), "layerwise:types");
            assertTrue(types.out().contains("9.9.9"), types.out());

            Path out = felix.work().resolve("runs/after-update");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --epochs 1 --out " + out + " " + pipeline(felix.work(), "tiny", TINY));
            assertEquals(0, r.exitCode(), r.all());
            JsonObject stage = json(out.resolve("history.json")).getAsJsonArray("stages").get(0).getAsJsonObject();
            assertEquals("9.9.9", stage.get("bundleVersion").getAsString());
        }

        @Test
        @Order(2)
        void afterUninstallingDaeAPipelineNeedingItFailsClearlyAndTheFrameworkKeepsRunning() throws Exception {
            dae().uninstall();
            refresh(felix.platform(), null);
            Path out = felix.work().resolve("runs/after-uninstall");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + pipeline(felix.work(), "tiny", TINY));
            assertNotEquals(0, r.exitCode());
            assertTrue(r.err().contains("stages[0].type \"dae\" is not an installed stage type; installed: ae (io.layerwise.model-ae"),
                    r.err());
            assertFalse(Files.exists(out));
            assertEquals(Bundle.ACTIVE, felix.context().getBundle(0).getState());
            Shell.Result types = Shell.exec(felix.platform(), "layerwise:types");
            assertEquals(0, types.exitCode());
            assertFalse(types.out().contains("model-dae"), types.out());
        }

        @Test
        @Order(3)
        void aSavedRunNeedingTheUninstalledTypeSaysWhichBundleToInstall() {
            Path saved = felix.work().resolve("runs/after-update");
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:eval " + saved);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.err().contains(saved.resolve("stage-1-dae/model.json") + ": needs stage type \"dae\" (trained by"
                    + " io.layerwise.model-dae 9.9.9), which is not installed; install that bundle"), r.err());
        }

        private Path locate(Bundle b) {
            return Path.of(java.net.URI.create(b.getLocation()));
        }

        private void awaitStageType(String type, String version) throws Exception {
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                for (ServiceReference<?> r : services(felix.context(), "io.layerwise.api.stage.StageProvider")) {
                    if (type.equals(r.getProperty("layerwise.stage.type"))
                            && r.getBundle().getVersion().toString().equals(version)) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no " + type + " provider of version " + version + " appeared");
        }
    }

    /** The same jar with another Bundle-Version, as a rebuilt release would have. */
    static byte[] withVersion(byte[] jar, String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream jo = new JarOutputStream(out, m)) {
                ZipEntry e;
                while ((e = in.getNextEntry()) != null) {
                    jo.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(jo);
                    jo.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }
}
