package io.layerwise.report;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.report.internal.Charts;
import io.layerwise.report.internal.LatentCharts;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The test set in the top code of a stack, one point per row coloured by its label or continuous value, with a legend: a 2-unit code as
 * is, a 3-unit code as its three 2-D projections side by side, a wider code on its two leading principal
 * components.
 */
public final class LatentPicture {
    private LatentPicture() {
    }

    /** @param labels one per row of {@code codes}, or null */
    public static void write(Path png, FloatMatrix codes, int[] labels, String title) throws IOException {
        write(png, codes, Colouring.byClass(labels, null), title);
    }

    public static void write(Path png, FloatMatrix codes, Colouring colouring, String title) throws IOException {
        PngFiles.write(png, render(codes, colouring, title));
    }

    public static BufferedImage render(FloatMatrix codes, int[] labels, String title) {
        return render(codes, Colouring.byClass(labels, null), title);
    }

    public static BufferedImage render(FloatMatrix codes, Colouring colouring, String title) {
        if (colouring.length() >= 0 && colouring.length() != codes.rows()) {
            throw new IllegalArgumentException(codes.rows() + " codes but " + colouring.length() + " labels");
        }
        return Charts.grid(LatentCharts.charts(codes.data(), codes.rows(), codes.cols(), colouring, title), 3);
    }
}
