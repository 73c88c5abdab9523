package io.layerwise.model.convae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.testing.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The conv-ae stage: the W5 network's size, shape errors before anything is built, training, codes, checkpoints. */
class ConvAeStageTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> pipelineStage(String file) throws IOException {
        Path p = Path.of("../../config/pipelines", file);
        Map<String, Object> pipeline = new Gson().fromJson(Files.readString(p), Map.class);
        return ((List<Map<String, Object>>) pipeline.get("stages")).get(0);
    }

    static ConvAeStage create(Map<String, Object> fields, int inputs, String range) {
        return (ConvAeStage) new ConvAeStageProvider().create(new Spec("stages[0]", fields),
                new TestContext(inputs, range, 42));
    }

    @Test
    void theW5PipelinesHaveTheArticles29803ParametersAtLatent2() throws IOException {
        ConvAeSpec two = ConvAeSpec.read(new Spec("stages[0]", pipelineStage("mnist-conv-ae-2d.json")),
                new TestContext(784, Dataset.REAL, 1));
        assertEquals(29_803, two.parameterCount());
        assertEquals(2, two.code().size());
        ConvAeSpec three = ConvAeSpec.read(new Spec("stages[0]", pipelineStage("mnist-conv-ae-3d.json")),
                new TestContext(784, Dataset.REAL, 1));
        // the latent unit adds 64 weights + 1 bias in the encoder's dense layer and 64 weights in the decoder's
        assertEquals(29_803 + 129, three.parameterCount());
        try (ConvAeStage s = create(pipelineStage("mnist-conv-ae-2d.json"), 784, Dataset.REAL)) {
            long stored = s.parameters().stream().filter(p -> !p.name().contains("running"))
                    .mapToLong(p -> p.values().length).sum();
            assertEquals(29_803, stored);
            long all = s.parameters().stream().mapToLong(p -> p.values().length).sum();
            assertEquals(two.savedCount(), all, "what the memory estimate states for a saved model");
            assertEquals(all * 4, ConvAeStage.estimate(two, 0).parameterBytes());
        }
    }

    /** A small encoder 1x8x8 -> conv 4 (3, s1, p1) -> pool 2 -> conv 4 (2, s2) -> 4x2x2 -> dense 3 and back. */
    static Map<String, Object> small(int epochs) {
        List<Object> enc = List.of(Map.of("kind", "conv", "filters", 4, "kernel", 3, "padding", 1),
                Map.of("kind", "leaky-relu", "slope", 0), Map.of("kind", "batch-norm"),
                Map.of("kind", "max-pool", "size", 2), Map.of("kind", "conv", "filters", 4, "kernel", 2, "stride", 2),
                Map.of("kind", "relu"), Map.of("kind", "flatten"), Map.of("kind", "dense", "units", 3),
                Map.of("kind", "tanh"));
        List<Object> dec = List.of(Map.of("kind", "dense", "units", 16), Map.of("kind", "relu"),
                Map.of("kind", "reshape", "shape", List.of(4, 2, 2)),
                Map.of("kind", "conv-transpose", "filters", 4, "kernel", 2, "stride", 2), Map.of("kind", "relu"),
                Map.of("kind", "batch-norm"), Map.of("kind", "conv-transpose", "filters", 1, "kernel", 2, "stride", 2),
                Map.of("kind", "tanh"));
        Map<String, Object> f = new HashMap<>();
        f.put("encoder", enc);
        f.put("decoder", dec);
        f.put("weightDecay", 1e-5);
        f.put("train", Map.of("epochs", epochs, "batch", 16, "optimizer", Map.of("kind", "adam", "lr", 0.01)));
        return f;
    }

    /** 8x8 images in [-1, 1]: a bright square in one of four corners, with noise. */
    static FloatMatrix corners(int rows, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * 64];
        for (int n = 0; n < rows; n++) {
            int c = r.nextInt(4);
            for (int i = 0; i < 64; i++) {
                int y = i / 8;
                int x = i % 8;
                boolean on = (y < 4) == (c < 2) && (x < 4) == (c % 2 == 0);
                v[n * 64 + i] = (on ? 0.8f : -0.8f) + (float) (0.1 * r.nextGaussian());
            }
        }
        return new FloatMatrix(rows, 64, v);
    }

    @Test
    void trainingLowersTheTestSquaredErrorWhichIsTheMeanOverValuesOfTheReconstruction() {
        FloatMatrix train = corners(256, 1);
        FloatMatrix test = corners(64, 2);
        try (ConvAeStage s = create(small(6), 64, Dataset.REAL)) {
            double before = s.evaluate(test).get("testSquaredError");
            int batches = s.prepareTraining(train);
            assertEquals(16, batches);
            double first = 0;
            double last = 0;
            for (int e = 0; e < 6; e++) {
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    sum += s.trainBatch(b);
                }
                if (e == 0) {
                    first = sum / train.rows();
                }
                last = sum / train.rows();
            }
            double after = s.evaluate(test).get("testSquaredError");
            assertTrue(last < 0.5 * first, "training loss " + first + " -> " + last);
            assertTrue(after < 0.5 * before, "test squared error " + before + " -> " + after);
            FloatMatrix y = s.reconstruct(test);
            double sq = 0;
            for (int i = 0; i < y.data().length; i++) {
                sq += Math.pow(y.data()[i] - test.data()[i], 2);
            }
            assertEquals(sq / y.data().length, after, 1e-6);
            assertEquals(after, s.loss(test), 1e-9);
            FloatMatrix codes = s.encode(test);
            assertEquals(3, codes.cols());
            for (float c : codes.data()) {
                assertTrue(c >= -1 && c <= 1, "tanh code " + c);
            }
            Parameter filters = s.filters();
            assertArrayEquals(new int[] {9, 4}, filters.shape());
        }
    }

    @Test
    void aResumedStageTrainsBitForBitAsTheUninterruptedOne() {
        FloatMatrix train = corners(100, 3);
        List<float[]> uninterrupted = new ArrayList<>();
        List<Parameter> saved;
        TrainingState state;
        try (ConvAeStage a = create(small(3), 64, Dataset.REAL)) {
            int batches = a.prepareTraining(train);
            for (int b = 0; b < batches; b++) {
                a.trainBatch(b);
            }
            saved = a.parameters();
            state = a.trainingState();
            for (int e = 1; e < 3; e++) {
                for (int b = 0; b < batches; b++) {
                    a.trainBatch(b);
                }
            }
            a.parameters().forEach(p -> uninterrupted.add(p.values()));
        }
        try (ConvAeStage b = create(small(3), 64, Dataset.REAL)) {
            int batches = b.prepareTraining(train);
            b.restore(saved);
            b.restoreTrainingState(state);
            for (int e = 1; e < 3; e++) {
                for (int i = 0; i < batches; i++) {
                    b.trainBatch(i);
                }
            }
            List<Parameter> resumed = b.parameters();
            assertEquals(uninterrupted.size(), resumed.size());
            for (int i = 0; i < resumed.size(); i++) {
                assertArrayEquals(uninterrupted.get(i), resumed.get(i).values(), resumed.get(i).name());
            }
            assertTrue(resumed.stream().anyMatch(p -> p.name().equals("encoder.2.runningMean")));
        }
    }

    private static SpecException bad(Map<String, Object> fields, int inputs) {
        return assertThrows(SpecException.class, () -> create(fields, inputs, Dataset.REAL));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withEncoderLayer(int index, Map<String, Object> layer) {
        Map<String, Object> f = small(1);
        List<Object> enc = new ArrayList<>((List<Object>) f.get("encoder"));
        enc.set(index, layer);
        f.put("encoder", enc);
        return f;
    }

    @Test
    void badLayersAreOneLineNamingStageLayerIndexAndField() {
        SpecException kernel = bad(withEncoderLayer(4, Map.of("kind", "conv", "filters", 4, "kernel", 5)), 64);
        assertEquals("stages[0].encoder[4].kernel", kernel.path());
        assertTrue(kernel.getMessage().contains("5x5 is larger than the input [4, 4, 4]"), kernel.getMessage());
        SpecException stride = bad(withEncoderLayer(0, Map.of("kind", "conv", "filters", 4, "kernel", 3, "stride", 0)), 64);
        assertEquals("stages[0].encoder[0].stride", stride.path());
        SpecException padding = bad(withEncoderLayer(0, Map.of("kind", "conv", "filters", 4, "kernel", 3,
                "padding", -1)), 64);
        assertEquals("stages[0].encoder[0].padding", padding.path());
        SpecException kind = bad(withEncoderLayer(1, Map.of("kind", "gelu")), 64);
        assertEquals("stages[0].encoder[1].kind", kind.path());
        assertTrue(kind.getMessage().contains("unknown layer kind \"gelu\""), kind.getMessage());
        SpecException tiling = bad(withEncoderLayer(3, Map.of("kind", "max-pool", "size", 3)), 64);
        assertEquals("stages[0].encoder[3].size", tiling.path());
        assertTrue(tiling.getMessage().contains("do not tile the input [4, 8, 8]"), tiling.getMessage());
        for (SpecException e : List.of(kernel, stride, padding, kind, tiling)) {
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void aConvAfterADenseLayerAndAWrongDecoderOutputNameBothShapes() {
        Map<String, Object> f = small(1);
        List<Object> dec = new ArrayList<>((List<Object>) f.get("decoder"));
        dec.remove(2); // the reshape between dense and conv-transpose
        f.put("decoder", dec);
        SpecException flat = bad(f, 64);
        assertEquals("stages[0].decoder[2].kind", flat.path());
        assertTrue(flat.getMessage().contains("stages[0].decoder[1] (relu) gives [16] (flat)"), flat.getMessage());
        Map<String, Object> g = small(1);
        List<Object> dec2 = new ArrayList<>((List<Object>) g.get("decoder"));
        dec2.set(6, Map.of("kind", "conv-transpose", "filters", 1, "kernel", 3, "stride", 2));
        g.put("decoder", dec2);
        SpecException output = bad(g, 64);
        assertEquals("stages[0].decoder[7]", output.path());
        assertTrue(output.getMessage().contains("[1, 9, 9], but the stage's input is [1, 8, 8]"), output.getMessage());
        SpecException input = bad(small(1), 60);
        assertEquals("stages[0].input", input.path());
    }

    @Test
    void crossEntropyNeedsUnitInputsAndASigmoidOutput() {
        Map<String, Object> f = small(1);
        f.put("loss", "cross-entropy");
        SpecException range = bad(f, 64);
        assertEquals("stages[0].loss", range.path());
        SpecException sigmoid = assertThrows(SpecException.class, () -> create(f, 64, Dataset.UNIT));
        assertEquals("stages[0].decoder[7]", sigmoid.path());
    }

    @Test
    void aSavedModelRestoresWithItsRunningStatisticsAndEncodesAlike() {
        FloatMatrix train = corners(64, 5);
        try (ConvAeStage a = create(small(1), 64, Dataset.REAL); ConvAeStage b = create(small(1), 64, Dataset.REAL)) {
            int batches = a.prepareTraining(train);
            for (int i = 0; i < batches; i++) {
                a.trainBatch(i);
            }
            b.restore(a.parameters());
            assertArrayEquals(a.encode(train).data(), b.encode(train).data());
            assertNotNull(b.reconstruct(train));
            List<Parameter> wrong = new ArrayList<>(a.parameters());
            wrong.remove(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(wrong));
            assertTrue(e.getMessage().contains("encoder.0.weight"), e.getMessage());
        }
    }
}
