package io.layerwise.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchWorkloadTest {

    @Test
    void anEpochOfTheReferenceWorkloadsIs31point36Gflop() {
        // ../shared/bench/README.md: 5 GEMMs of B x 784 x 500 per batch, 8,000 samples
        assertEquals(31.36e9, BenchWorkload.DAE.flops(8000, 784), 1e3);
        assertEquals(31.36e9, BenchWorkload.RBM.flops(8000, 784), 1e3);
        assertEquals(2.0 * 8000 * 784 * 784, BenchWorkload.ZCA.flops(8000, 784), 1e3);
    }

    @Test
    void theDaePipelineIsTheReferenceWorkload() {
        String json = BenchWorkload.DAE.pipelineJson(128, 5);
        for (String part : List.of("\"hidden\": 500", "\"tied\": true", "\"level\": 0.3", "\"batch\": 128", "\"epochs\": 5",
                "\"lr\": 0.1", "\"seed\": 1234", "\"cross-entropy\"")) {
            assertTrue(json.contains(part), part + " in " + json);
        }
    }

    @Test
    void theVaePipelineIsW6AndItsEpochCountsItsGemms() {
        String json = BenchWorkload.VAE.pipelineJson(128, 5);
        for (String part : List.of("\"type\": \"vae\"", "\"hidden\": [400]", "\"latent\": 20", "\"bernoulli\"",
                "\"batch\": 128", "\"kind\": \"adam\"", "\"lr\": 0.001", "\"shuffle\": true")) {
            assertTrue(json.contains(part), part + " in " + json);
        }
        // 5 GEMMs of B x 784 x 400 and 9 of B x 400 x 20 per batch, 8,000 samples
        assertEquals(2.0 * 8000 * (5 * 784 * 400 + 9 * 400 * 20), BenchWorkload.VAE.flops(8000, 784), 1e3);
        assertEquals(400, BenchWorkload.VAE.hidden());
    }

    @Test
    void theConvaePipelineIsTheW5NetworkOfTheConfigFileOnSymmetricPixels() throws java.io.IOException {
        com.google.gson.JsonObject bench = com.google.gson.JsonParser.parseString(
                BenchWorkload.CONVAE.pipelineJson(128, 5)).getAsJsonObject();
        com.google.gson.JsonObject config = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(
                java.nio.file.Path.of("../../config/pipelines/mnist-conv-ae-2d.json"))).getAsJsonObject();
        assertEquals(config.get("data"), bench.get("data"));
        com.google.gson.JsonObject b = bench.getAsJsonArray("stages").get(0).getAsJsonObject();
        com.google.gson.JsonObject c = config.getAsJsonArray("stages").get(0).getAsJsonObject();
        for (String field : List.of("type", "input", "encoder", "decoder", "loss", "weightDecay", "shuffle")) {
            assertEquals(c.get(field), b.get(field), field);
        }
        assertTrue(b.toString().contains("\"epochs\":5") && b.toString().contains("\"batch\":128"), b.toString());
    }

    @Test
    void anUnknownWorkloadNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchWorkload.parse("dea"));
        assertEquals("unknown workload \"dea\"; one of dae, rbm, vae, convae, zca, gemm", e.getMessage());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(new Stats(2.5, 1, 9, 4), Stats.of(List.of(9.0, 1.0, 3.0, 2.0)));
        assertEquals(new Stats(3, 1, 9, 3), Stats.of(List.of(9.0, 1.0, 3.0)));
        assertTrue(Double.isNaN(Stats.of(List.of()).median()));
    }
}
