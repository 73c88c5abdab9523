package io.layerwise.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of tiles, each with a caption at its left, drawn at twice their size: inputs above their reconstructions, or a
 * Gibbs chain's states after 1, 10, 100 and 1,000 steps.
 */
public final class LabelledRows {
    static final int SCALE = 2;
    static final int LABEL_WIDTH = 100;
    static final int GAP = 4;

    private LabelledRows() {
    }

    /**
     * Grid row {@code r} holds rows {@code [r * columns, (r + 1) * columns)} of {@code data} ({@code rows x cols},
     * row-major), captioned {@code labels.get(r)}; values in [0, 1] on an absolute scale, or each tile stretched to its
     * own range ({@code perTile}).
     */
    public static BufferedImage render(float[] data, int rows, int cols, int columns, List<String> labels,
            boolean perTile) {
        if (columns < 1 || (long) rows * cols != data.length || labels.size() * (long) columns != rows) {
            throw new IllegalArgumentException(labels.size() + " labelled rows of " + columns + " tiles do not match "
                    + rows + " x " + cols + " values");
        }
        TileShape tile = TileShape.forLength(cols);
        List<BufferedImage> strips = new ArrayList<>();
        for (int r = 0; r < labels.size(); r++) {
            float[] row = java.util.Arrays.copyOfRange(data, r * columns * cols, (r + 1) * columns * cols);
            strips.add(ImageTiles.render(row, columns, cols, columns, tile, columns, perTile));
        }
        return render(labels, strips);
    }

    /** The strips (all of one size) one below the other, each captioned at its left. */
    static BufferedImage render(List<String> labels, List<BufferedImage> strips) {
        int stripW = strips.get(0).getWidth() * SCALE;
        int stripH = strips.get(0).getHeight() * SCALE;
        BufferedImage out = new BufferedImage(LABEL_WIDTH + stripW + GAP, strips.size() * (stripH + GAP) + GAP,
                BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int r = 0; r < strips.size(); r++) {
                int y = GAP + r * (stripH + GAP);
                g.drawImage(strips.get(r), LABEL_WIDTH, y, stripW, stripH, null);
                Captions.text(g, labels.get(r), 4, y + stripH / 2 + 4);
            }
        } finally {
            g.dispose();
        }
        return out;
    }
}
