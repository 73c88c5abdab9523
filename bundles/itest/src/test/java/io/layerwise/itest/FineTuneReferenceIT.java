package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped config/pipelines/mnist-sda.json and mnist-dbn.json on the 8,000 / 2,000 digits of the shared sample:
 * fine-tuned test error at most 5%, and below the same network fine-tuned from its random initialisation
 * ("pretrain": false) for the same number of epochs. Skipped where the sample is absent.
 */
class FineTuneReferenceIT {

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withMnistSample();

    @ParameterizedTest
    @ValueSource(strings = {"mnist-sda", "mnist-dbn"})
    void pretrainedStackBeatsRandomInitialisationAndReachesFivePercent(String name) throws Exception {
        Path shipped = Path.of("../../config/pipelines/" + name + ".json").toAbsolutePath().normalize();
        JsonObject random = JsonParser.parseString(Files.readString(shipped)).getAsJsonObject();
        random.getAsJsonObject("finetune").addProperty("pretrain", false);
        Path randomPipeline = felix.work().resolve(name + "-random.json");
        Files.writeString(randomPipeline, random.toString());

        // both parameters run in the class's one framework and folder: runs named after the pipeline
        Path pretrainedRun = felix.work().resolve(name + "-pretrained");
        Path randomRun = felix.work().resolve(name + "-random");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + pretrainedRun + " " + shipped);
        assertEquals(0, r.exitCode(), r.all());
        r = Shell.exec(felix.platform(), "layerwise:run --out " + randomRun + " " + randomPipeline);
        assertEquals(0, r.exitCode(), r.all());
        JsonObject pretrained = finetune(pretrainedRun);
        JsonObject fromRandom = finetune(randomRun);
        double pretrainedError = pretrained.get("testError").getAsDouble();
        double randomError = fromRandom.get("testError").getAsDouble();
        System.out.printf("%s test error: pretrained %.4f, random initialisation %.4f%n", name, pretrainedError, randomError);
        assertTrue(pretrainedError <= 0.05, "pretrained test error " + pretrainedError);
        assertTrue(pretrainedError < randomError, "pretrained " + pretrainedError + " vs random " + randomError);
        assertTrue(pretrained.get("pretrained").getAsBoolean());
        assertEquals(false, fromRandom.get("pretrained").getAsBoolean());
        assertEquals(pretrained.getAsJsonArray("epochs").size(), fromRandom.getAsJsonArray("epochs").size());

        JsonArray confusion = pretrained.getAsJsonArray("confusion");
        long total = 0;
        long diagonal = 0;
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                long c = confusion.get(t).getAsJsonArray().get(p).getAsLong();
                total += c;
                diagonal += t == p ? c : 0;
            }
        }
        assertEquals(2000, total, "every test digit counted once");
        assertEquals(1 - pretrainedError, diagonal / 2000.0, 1e-9, "the diagonal is the test accuracy");
        JsonObject first = pretrained.getAsJsonArray("epochs").get(0).getAsJsonObject();
        assertTrue(first.has("val_loss") && first.has("val_error"), first.toString());
        assertTrue(Files.exists(pretrainedRun.resolve("finetune/confusion.png")));
        assertTrue(Files.exists(pretrainedRun.resolve("finetune/model.json")));
    }

    static JsonObject finetune(Path run) throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve("history.json"))).getAsJsonObject()
                .getAsJsonObject("finetune");
    }
}
