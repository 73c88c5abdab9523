package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped pipeline config/pipelines/mnist-dae.json on the 8,000 / 2,000 real MNIST digits of the shared
 * sample, against the figures a careful PyTorch loop reached on the same data (../shared/DESIGN.md): mean
 * training cross-entropy of epoch 5 = 75.3, clean test cross-entropy = 75.2. Skipped where the sample is absent.
 */
class MnistReferenceIT {
    static final Path SAMPLE = Path.of(System.getProperty("layerwise.sample", "../../../shared/data/mnist-sample"));

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withMnistSample();

    @Test
    void theDefaultDaePipelineReachesTheReferenceCrossEntropy() throws Exception {
        Path pipeline = Path.of("../../config/pipelines/mnist-dae.json").toAbsolutePath().normalize();
        Path out = felix.work().resolve("run");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + pipeline);
        assertEquals(0, r.exitCode(), r.all());
        JsonObject history = JsonParser.parseString(Files.readString(out.resolve("history.json"))).getAsJsonObject();
        JsonArray epochs = history.getAsJsonArray("stages").get(0).getAsJsonObject().getAsJsonArray("epochs");
        assertEquals(5, epochs.size());
        JsonObject last = epochs.get(4).getAsJsonObject();
        assertEquals(75.3, last.get("loss").getAsDouble(), 1.0, "epoch-5 mean training cross-entropy");
        assertEquals(75.2, last.getAsJsonObject("metrics").get("testReconstructionCE").getAsDouble(), 1.5,
                "clean test cross-entropy after 5 epochs");
    }
}
