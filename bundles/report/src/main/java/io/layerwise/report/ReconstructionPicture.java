package io.layerwise.report;

import io.layerwise.api.data.FloatMatrix;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
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
    private static final int SCALE = 2;
    private static final int LABEL_WIDTH = 100;
    private static final int GAP = 4;

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
        int stripW = strips.get(0).getWidth() * SCALE;
        int stripH = strips.get(0).getHeight() * SCALE;
        BufferedImage out = new BufferedImage(LABEL_WIDTH + stripW + GAP,
                strips.size() * (stripH + GAP) + GAP, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int r = 0; r < strips.size(); r++) {
                int y = GAP + r * (stripH + GAP);
                Image scaled = strips.get(r);
                g.drawImage(scaled, LABEL_WIDTH, y, stripW, stripH, null);
                Captions.text(g, names.get(r), 4, y + stripH / 2 + 4);
            }
        } finally {
            g.dispose();
        }
        return out;
    }
}
