package io.layerwise.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A confusion matrix as a picture: true class down, predicted class across, each cell a square whose darkness is
 * the fraction of that true class predicted so (white 0, black 1), so a good classifier is a dark diagonal.
 */
public final class ConfusionPicture {
    private static final int CELL = 16;

    private ConfusionPicture() {
    }

    public static void write(long[][] counts, Path png) throws IOException {
        PngFiles.write(png, render(counts));
    }

    static BufferedImage render(long[][] counts) {
        int k = counts.length;
        int side = k * (CELL + 1) + 1;
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        var raster = img.getRaster();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                raster.setSample(x, y, 0, 128); // grid lines
            }
        }
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (long c : counts[t]) {
                total += c;
            }
            for (int p = 0; p < k; p++) {
                double share = total == 0 ? 0 : (double) counts[t][p] / total;
                int grey = (int) Math.round(255 * (1 - share));
                for (int dy = 0; dy < CELL; dy++) {
                    for (int dx = 0; dx < CELL; dx++) {
                        raster.setSample(1 + p * (CELL + 1) + dx, 1 + t * (CELL + 1) + dy, 0, grey);
                    }
                }
            }
        }
        return img;
    }
}
