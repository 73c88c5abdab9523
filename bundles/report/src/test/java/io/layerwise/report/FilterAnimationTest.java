package io.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterAnimationTest {
    @TempDir
    Path dir;

    @Test
    void aGifHasOneFrameOfAtMostAHundredFiltersPerEpochAndLoops() throws Exception {
        int inputs = 784;
        int hidden = 500;
        int epochs = 15;
        FilterAnimation animation = new FilterAnimation(epochs, 100);
        Random r = new Random(3);
        float[] w = new float[inputs * hidden];
        for (int e = 1; e <= epochs; e++) {
            for (int i = 0; i < w.length; i++) {
                w[i] += (float) r.nextGaussian() * 0.1f; // the weights drift between epochs
            }
            assertTrue(animation.wants(e));
            animation.add(e, w, inputs, hidden);
        }
        Path gif = dir.resolve("filters.gif");
        animation.write(gif);

        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(epochs, reader.getNumImages(true));
            BufferedImage first = reader.read(0);
            assertEquals(10 * 29 - 1, first.getWidth(), "ten 28-pixel tiles with one-pixel gaps");
            assertEquals(10 * 29 - 1 + 16, first.getHeight(), "ten rows of tiles below a caption strip");
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
            IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
            assertTrue(Integer.parseInt(gce.getAttribute("delayTime")) >= 15);
            assertFalse(constant(first));
        }
        // random weights compress worst of all; real filters are smoother
        long size = Files.size(gif);
        assertTrue(size < 1_500_000, "filters.gif is " + size + " bytes");
        System.out.println("15 frames of 100 random filters: " + size + " bytes");
    }

    @Test
    void longRunsKeepAtMostThirtyFramesEndingWithTheLastEpoch() {
        FilterAnimation animation = new FilterAnimation(200, 4);
        float[] w = new float[16 * 4];
        for (int e = 1; e <= 200; e++) {
            w[e % w.length] = e;
            if (animation.wants(e)) {
                animation.add(e, w, 16, 4);
            }
        }
        assertEquals(29, animation.frames(), "every 7th epoch (28 frames) and the last");
        assertTrue(animation.wants(200));
        assertFalse(animation.wants(199));
    }

    static boolean constant(BufferedImage img) {
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
