package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.layerwise.launcher.Platform;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Bundle;

/**
 * The conv-ae stage type in a running framework, on 28x28 digits scaled to [-1, 1]: a whole run with its pictures,
 * its bundle updated mid-run, a cancelled run resumed (each ending with the parameters of the uninterrupted run), a
 * saved run evaluated, encoded and reconstructed, and bad layer lists refused in one line that writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConvAeIT {
    static final String ENCODER = """
            [{"kind": "conv", "filters": 4, "kernel": 3, "stride": 3, "padding": 1}, {"kind": "leaky-relu", "slope": 0},
             {"kind": "batch-norm"}, {"kind": "max-pool", "size": 2, "stride": 2}, {"kind": "flatten"},
             {"kind": "dense", "units": 2}, {"kind": "tanh"}]""";
    static final String DECODER = """
            [{"kind": "dense", "units": 100}, {"kind": "relu"}, {"kind": "reshape", "shape": [4, 5, 5]},
             {"kind": "batch-norm"}, {"kind": "conv-transpose", "filters": 1, "kernel": 4, "stride": 6}, {"kind": "tanh"}]""";

    static String pipeline(String encoder, String decoder) {
        return "{\"name\": \"conv-ae\", \"seed\": 43, \"data\": {\"source\": \"mnist\", \"scale\": \"symmetric\"},"
                + " \"stages\": [{\"type\": \"conv-ae\", \"encoder\": " + encoder + ", \"decoder\": " + decoder + ","
                + " \"weightDecay\": 1e-5, \"train\": {\"epochs\": 30, \"batch\": 20,"
                + " \"optimizer\": {\"kind\": \"adam\", \"lr\": 0.003}}}]}";
    }

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist(300, 100)
            .property("layerwise.swap.timeout.seconds", "10");
    Platform platform;
    Path work;
    Path pipeline;
    Path whole;

    @BeforeAll
    void start() throws Exception {
        platform = felix.platform();
        work = felix.work();
        pipeline = PlatformIT.pipeline(work, "conv-ae", pipeline(ENCODER, DECODER));
        whole = work.resolve("whole");
        Shell.Result r = Shell.exec(platform, "layerwise:run --out " + whole + " " + pipeline);
        assertEquals(0, r.exitCode(), r.all());
    }

    @Test
    void aWholeRunLowersTheTestSquaredErrorAndDrawsItsPictures() throws Exception {
        JsonObject stage = PlatformIT.json(whole.resolve("history.json")).getAsJsonArray("stages").get(0).getAsJsonObject();
        JsonArray epochs = stage.getAsJsonArray("epochs");
        double first = epochs.get(0).getAsJsonObject().getAsJsonObject("metrics").get("testSquaredError").getAsDouble();
        double last = epochs.get(epochs.size() - 1).getAsJsonObject().getAsJsonObject("metrics")
                .get("testSquaredError").getAsDouble();
        assertTrue(last < first, "training lowers the test squared error: " + first + " -> " + last);
        for (String picture : List.of("stage-1-conv-ae/reconstructions.png", "stage-1-conv-ae/filters.png",
                "latent.png")) {
            assertTrue(Files.size(whole.resolve(picture)) > 0, picture);
        }
    }

    @Test
    void updatingTheConvAeBundleMidRunContinuesFromTheCheckpointBitIdentically() throws Exception {
        Path dir = work.resolve("swapped");
        String id = Jobs.start(platform, dir, pipeline);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-conv-ae"), 5);
        Bundle bundle = Arrays.stream(platform.context().getBundles())
                .filter(b -> "io.layerwise.model-conv-ae".equals(b.getSymbolicName())).findFirst().orElseThrow();
        Path jar = PlatformIT.DIST.resolve("bundle").resolve(Path.of(bundle.getLocation().replaceFirst("^.*/", "")));
        bundle.update(new ByteArrayInputStream(PlatformIT.withVersion(Files.readAllBytes(jar), "9.9.9")));
        PlatformIT.refresh(platform, bundle);
        String status = Jobs.awaitEnd(platform, id, 180_000);
        assertTrue(status.contains(" DONE "), status);
        assertSameParameters(dir);
        assertTrue(Files.readString(dir.resolve("history.json")).contains("\"bundleVersion\": \"9.9.9\""));
    }

    @Test
    void aCancelledRunResumesFromItsCheckpointToTheSameParameters() throws Exception {
        Path dir = work.resolve("cancelled");
        String id = Jobs.start(platform, dir, pipeline);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-conv-ae"), 3);
        Shell.exec(platform, "layerwise:cancel " + id);
        String end = Jobs.awaitEnd(platform, id, 120_000);
        assertTrue(end.contains(" CANCELLED ") || end.contains(" DONE "), end);
        Shell.Result resumed = Shell.exec(platform, "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertSameParameters(dir);
    }

    @Test
    void aSavedRunEvaluatesToItsHistoryEncodesToTwoValuesAndReconstructsInMinusOneToOne() throws Exception {
        Shell.Result eval = Shell.exec(platform, "layerwise:eval " + whole);
        assertEquals(0, eval.exitCode(), eval.all());
        assertTrue(eval.out().contains("match history.json") && eval.out().contains("testSquaredError"), eval.out());

        Path images = work.resolve("data/t10k-images-idx3-ubyte.gz");
        Path codes = work.resolve("conv-codes.csv");
        Shell.Result enc = Shell.exec(platform, "layerwise:encode " + whole + " " + images + " " + codes);
        assertEquals(0, enc.exitCode(), enc.all());
        List<String> lines = Files.readAllLines(codes);
        assertEquals(100, lines.size());
        assertEquals(2, lines.get(0).split(",").length, "a 2-D code");
        Path rec = work.resolve("conv-rec.csv");
        Shell.Result r = Shell.exec(platform, "layerwise:reconstruct " + whole + " " + images + " " + rec);
        assertEquals(0, r.exitCode(), r.all());
        String[] row = Files.readAllLines(rec).get(0).split(",");
        assertEquals(784, row.length);
        for (String v : row) {
            double p = Double.parseDouble(v);
            assertTrue(p >= -1 && p <= 1, "a tanh output: " + v);
        }
    }

    static Stream<Arguments> badLayers() {
        String conv = "{\"kind\": \"conv\", \"filters\": 4, \"kernel\": 3, \"stride\": 3, \"padding\": 1}";
        return Stream.of(
                Arguments.of(ENCODER.replace(conv, "{\"kind\": \"conv\", \"filters\": 4, \"kernel\": 31}"), DECODER,
                        "stages[0].encoder[0].kernel 31x31 is larger than the input [1, 28, 28]"),
                Arguments.of(ENCODER.replace("\"stride\": 3", "\"stride\": 0"), DECODER,
                        "stages[0].encoder[0].stride must be in [1, 65536], got 0"),
                Arguments.of(ENCODER.replace("\"padding\": 1", "\"padding\": -1"), DECODER,
                        "stages[0].encoder[0].padding must be in [0, 65536], got -1"),
                Arguments.of(ENCODER.replace("\"kind\": \"tanh\"", "\"kind\": \"swish\""), DECODER,
                        "stages[0].encoder[6].kind is an unknown layer kind \"swish\""),
                Arguments.of(ENCODER, DECODER.replace("\"stride\": 6", "\"stride\": 5"),
                        "stages[0].decoder[5] (tanh) ends the decoder with [1, 24, 24], but the stage's input is [1, 28, 28]"),
                Arguments.of(ENCODER, DECODER.replace("{\"kind\": \"reshape\", \"shape\": [4, 5, 5]},", ""),
                        "stages[0].decoder[3].kind conv-transpose needs an input [channels, height, width] but"
                                + " stages[0].decoder[2] (batch-norm) gives [100] (flat)"),
                Arguments.of(ENCODER.replace("{\"kind\": \"flatten\"},", "{\"kind\": \"flatten\"}, {\"kind\": \"max-pool\", \"size\": 2},"),
                        DECODER, "stages[0].encoder[5].kind max-pool needs an input [channels, height, width] but"
                                + " stages[0].encoder[4] (flatten) gives [100] (flat)"));
    }

    @ParameterizedTest
    @MethodSource("badLayers")
    void aBadLayerListFailsInOneLineNamingStageLayerAndFieldAndWritesNothing(String encoder, String decoder,
            String fragment) throws Exception {
        assertNotEquals(ENCODER + DECODER, encoder + decoder, "the case must change the good layer lists");
        Path bad = PlatformIT.pipeline(work, "bad-" + Integer.toHexString((encoder + decoder).hashCode()),
                pipeline(encoder, decoder));
        Path out = work.resolve("bad-run-" + Integer.toHexString((encoder + decoder).hashCode()));
        Shell.Result r = Shell.exec(platform, "layerwise:run --out " + out + " " + bad);
        String err = r.err().strip();
        assertNotEquals(0, r.exitCode(), r.all());
        assertFalse(err.contains("\n"), "one line: " + r.all());
        assertTrue(err.contains(fragment), err);
        assertFalse(Files.exists(out), "nothing written: " + out);
    }

    private void assertSameParameters(Path dir) throws Exception {
        assertArrayEquals(Files.readAllBytes(whole.resolve("stage-1-conv-ae/params.bin")),
                Files.readAllBytes(dir.resolve("stage-1-conv-ae/params.bin")), dir + ": parameters differ from the whole run's");
    }
}
