package io.layerwise.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Text drawn onto grey pictures (a caption strip above, labels at the left); works without a display. */
final class Captions {
    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final int STRIP = 16;

    private Captions() {
    }

    /** {@code picture} below a white strip holding {@code text}, at least {@code minWidth} wide. */
    static BufferedImage above(BufferedImage picture, String text, int minWidth) {
        int width = Math.max(picture.getWidth(), minWidth);
        BufferedImage out = new BufferedImage(width, picture.getHeight() + STRIP, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(picture, 0, STRIP, null);
            text(g, text, 2, STRIP - 4);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Roughly the width {@link #FONT} needs for {@code chars} characters. */
    static int width(int chars) {
        return 7 * chars + 4;
    }

    static void text(Graphics2D g, String text, int x, int baseline) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(FONT);
        g.setColor(Color.BLACK);
        g.drawString(text, x, baseline);
    }
}
