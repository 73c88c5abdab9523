package io.layerwise.report;

import io.layerwise.api.data.FloatMatrix;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test inputs and what a stage makes of them, one row of tiles each: the inputs, the corrupted inputs a denoising
 * autoencoder sees (when there are any), and the reconstructions below, tile for tile, labelled at the left and
 * drawn at twice their size.
 */
public final class ReconstructionPicture {
    private ReconstructionPicture() {
    }

    /**
     * @param corrupted null when the stage does not corrupt its input
     * @param perTile   stretch each tile to its own range (real-valued data); else 0 black, 1 white
     */
    public static void write(Path png, FloatMatrix inputs, FloatMatrix corrupted, FloatMatrix reconstructions,
            boolean perTile) throws IOException {
        PngFiles.write(png, render(inputs, corrupted, reconstructions, perTile));
    }

    public static BufferedImage render(FloatMatrix inputs, FloatMatrix corrupted, FloatMatrix reconstructions,
            boolean perTile) {
        List<String> names = new ArrayList<>(List.of("input"));
        List<FloatMatrix> rows = new ArrayList<>(List.of(inputs));
        if (corrupted != null) {
            names.add("corrupted");
            rows.add(corrupted);
        }
        names.add("reconstruction");
        rows.add(reconstructions);
        int n = inputs.rows();
        TileShape tile = TileShape.forLength(inputs.cols());
        List<BufferedImage> strips = new ArrayList<>();
        for (FloatMatrix m : rows) {
            if (m.rows() != n || m.cols() != inputs.cols()) {
                throw new IllegalArgumentException("inputs are " + n + "x" + inputs.cols() + " but a row of the picture is "
                        + m.rows() + "x" + m.cols());
            }
            strips.add(ImageTiles.render(m.data(), m.rows(), m.cols(), n, tile, n, perTile));
        }
        return LabelledRows.render(names, strips);
    }
}
