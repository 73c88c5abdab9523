package io.layerwise.report;

import io.layerwise.report.internal.Charts;
import io.layerwise.report.internal.LossCharts;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loss curves from a run's history.json, one panel per stage and one for fine-tuning: training loss per epoch with
 * the validation loss ({@code val_loss}) where recorded, else the held-out metrics on a right-hand axis.
 */
public final class LossPicture {
    private LossPicture() {
    }

    /**
     * Writes the picture of {@code history} (history.json as parsed maps); returns false, writing nothing, when no
     * stage has finished an epoch.
     */
    public static boolean write(Path png, Map<String, Object> history) throws IOException {
        BufferedImage image = render(history);
        if (image == null) {
            return false;
        }
        PngFiles.write(png, image);
        return true;
    }

    /** The panels two across, or null when there is nothing to plot. */
    public static BufferedImage render(Map<String, Object> history) {
        var charts = LossCharts.charts(history);
        return charts.isEmpty() ? null : Charts.grid(charts, 2);
    }
}
