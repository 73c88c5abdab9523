package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three hooks of a job, on a stand-in stage in plain Java: every picture lands where docs/pictures.md says. */
class RunPicturesTest {
    @TempDir
    Path run;

    /** A "stage" 784 -> 2 with random weights: codes x W, reconstruction the input dimmed, corruption a mask. */
    static final class FakeStage implements Stage {
        final float[] w = new float[784 * 2];
        final int epochs;

        FakeStage(int epochs) {
            this.epochs = epochs;
            Random r = new Random(1);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian();
            }
        }

        @Override public int inputSize() { return 784; }
        @Override public int outputSize() { return 2; }
        @Override public String outputRange() { return Dataset.REAL; }
        @Override public boolean trainable() { return true; }
        @Override public int epochs() { return epochs; }
        @Override public int prepareTraining(FloatMatrix train) { return 1; }
        @Override public double trainBatch(int batch) { return 0; }
        @Override public Map<String, Double> evaluate(FloatMatrix heldOut) { return Map.of(); }
        @Override public List<Parameter> parameters() { return List.of(filters()); }
        @Override public void restore(List<Parameter> saved) { }
        @Override public void close() { }

        @Override
        public Parameter filters() {
            return new Parameter("W", new int[] {784, 2}, w.clone());
        }

        @Override
        public FloatMatrix encode(FloatMatrix x) {
            return DenseForward.apply(x, filters(), new Parameter("b", new int[] {2}, new float[2]), "identity");
        }

        @Override
        public FloatMatrix reconstruct(FloatMatrix x) {
            float[] v = x.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] *= 0.5f;
            }
            return new FloatMatrix(x.rows(), x.cols(), v);
        }

        @Override
        public FloatMatrix corrupt(FloatMatrix x) {
            float[] v = x.data().clone();
            for (int i = 0; i < v.length; i += 3) {
                v[i] = 0;
            }
            return new FloatMatrix(x.rows(), x.cols(), v);
        }
    }

    private static Dataset digits(int n) {
        Random r = new Random(2);
        float[] v = new float[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < 784; j++) {
                v[i * 784 + j] = r.nextFloat() < 0.2 ? 1 : 0;
            }
        }
        FloatMatrix m = new FloatMatrix(n, 784, v);
        return new Dataset("test digits", m, labels, m, labels, Dataset.UNIT);
    }

    @Test
    void aJobLeavesFiltersAnimationReconstructionsLatentLossAndReport() throws Exception {
        Dataset data = digits(60);
        List<String> log = new ArrayList<>();
        RunPictures pictures = new RunPictures(run, data, 1, false, log::add);
        FakeStage stage = new FakeStage(3);
        Path stageDir = Files.createDirectories(run.resolve("stage-1-fake"));
        for (int e = 1; e <= 3; e++) {
            stage.w[e] += 5; // the filters change between epochs
            pictures.afterEpoch(0, stage, stageDir, e);
        }
        pictures.afterStage(0, stage, stageDir, data.test());
        Files.writeString(run.resolve("pipeline.json"), "{\"name\": \"fake\"}");
        Files.writeString(run.resolve("history.json"), """
                {"pipeline": "fake", "status": "running", "stages": [{"index": 1, "type": "fake", "inputSize": 784,
                 "outputSize": 2, "epochs": [{"epoch": 1, "loss": 3.0, "metrics": {}}, {"epoch": 2, "loss": 2.0,
                 "metrics": {}}, {"epoch": 3, "loss": 1.5, "metrics": {}}]}]}
                """);
        pictures.afterJob("done");
        assertTrue(log.stream().noneMatch(l -> l.startsWith("could not")), log.toString());

        try (ImageInputStream in = ImageIO.createImageInputStream(stageDir.resolve("filters.gif").toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(3, reader.getNumImages(true), "one frame per epoch");
        }
        BufferedImage filters = ImageIO.read(stageDir.resolve("filters.png").toFile());
        assertEquals(2 * 29 - 1, filters.getWidth(), "two filters side by side");
        BufferedImage rec = ImageIO.read(stageDir.resolve("reconstructions.png").toFile());
        assertEquals(3 * (2 * 28 + 4) + 4, rec.getHeight(), "inputs, corrupted inputs, reconstructions");
        BufferedImage latent = ImageIO.read(run.resolve("latent.png").toFile());
        assertTrue(latent.getWidth() > 300 && latent.getHeight() > 300);
        assertFalse(constant(latent));
        assertTrue(Files.exists(run.resolve("loss.png")));
        String html = Files.readString(run.resolve("report.html"));
        for (String p : List.of("latent.png", "loss.png", "stage-1-fake/filters.png", "stage-1-fake/filters.gif",
                "stage-1-fake/reconstructions.png")) {
            assertTrue(html.contains("alt=\"" + p + "\""), p);
        }
    }

    @Test
    void aRunThatFailedBeforeDrawingAnythingGetsNoReport() throws Exception {
        Files.writeString(run.resolve("pipeline.json"), "{\"name\": \"fake\"}");
        Files.writeString(run.resolve("history.json"), "{\"pipeline\": \"fake\", \"status\": \"running\", \"stages\": []}");
        new RunPictures(run, digits(20), 1, false, l -> { }).afterJob("failed");
        assertFalse(Files.exists(run.resolve("report.html")));
        new RunPictures(run, digits(20), 1, false, l -> { }).afterJob("done");
        assertTrue(Files.exists(run.resolve("report.html")));
    }

    @Test
    void oneExampleOfEachDigitIsReconstructed() {
        RunPictures pictures = new RunPictures(run, digits(60), 1, false, l -> { });
        int[] rows = pictures.examples(60);
        assertEquals(10, rows.length);
        for (int d = 0; d < 10; d++) {
            assertEquals(d, rows[d]); // labels are i % 10
        }
    }

    @Test
    void denseForwardIsXWPlusBThroughTheActivation() {
        FloatMatrix x = new FloatMatrix(1, 2, new float[] {1, 2});
        Parameter w = new Parameter("W", new int[] {2, 2}, new float[] {1, 2, 3, 4});
        Parameter b = new Parameter("b", new int[] {2}, new float[] {0.5f, -20});
        FloatMatrix y = DenseForward.apply(x, w, b, "relu");
        assertEquals(7.5f, y.get(0, 0)); // 1*1 + 2*3 + 0.5
        assertEquals(0f, y.get(0, 1)); // 1*2 + 2*4 - 20 < 0
        assertEquals(1 / (1 + Math.exp(-7.5)), DenseForward.apply(x, w, b, "sigmoid").get(0, 0), 1e-6);
    }

    private static boolean constant(BufferedImage img) {
        int first = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) != first) {
                    return false;
                }
            }
        }
        return true;
    }
}
