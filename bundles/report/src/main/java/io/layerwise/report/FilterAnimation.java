package io.layerwise.report;

import io.layerwise.data.files.AtomicFiles;
import io.layerwise.report.internal.GifWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters of one stage as they form, epoch by epoch, as an animated GIF (the Theano tutorials' animation): one
 * frame of {@link FilterTiles} per epoch, captioned with the epoch, looping, the last frame held longer. Long runs
 * keep at most {@link #MAX_FRAMES} frames (every k-th epoch and the last), so the file stays small enough for a
 * browser.
 */
public final class FilterAnimation {
    public static final int MAX_FRAMES = 30;
    /**
     * Grey levels per frame: 32 look the same as 256 at this size, and LZW then packs a frame of 100 filters into
     * about 60 KB instead of 110 KB.
     */
    static final int LEVELS = 32;
    /** Whole animation about this long, each frame between 0.15 and 0.6 s, the last held for 2 s. */
    private static final int TOTAL_CS = 500;
    private static final int LAST_CS = 200;

    private final int epochs;
    private final int count;
    private final int step;
    private final List<BufferedImage> frames = new ArrayList<>();

    /**
     * @param epochs epochs the stage will train
     * @param count  filters per frame (the first {@code count} units)
     */
    public FilterAnimation(int epochs, int count) {
        if (epochs < 1 || count < 1) {
            throw new IllegalArgumentException("need epochs >= 1 and count >= 1, got " + epochs + ", " + count);
        }
        this.epochs = epochs;
        this.count = count;
        this.step = (epochs + MAX_FRAMES - 1) / MAX_FRAMES;
    }

    /** Whether epoch {@code epoch} (1-based) gets a frame: every {@code step}-th and the last. */
    public boolean wants(int epoch) {
        return epoch == epochs || epoch % step == 0;
    }

    /** Adds the frame of epoch {@code epoch} from weights laid out as {@link FilterTiles#render} takes them. */
    public void add(int epoch, float[] weights, int inputs, int hidden) {
        BufferedImage tiles = FilterTiles.render(weights, inputs, hidden, count, TileShape.forLength(inputs));
        var raster = tiles.getRaster();
        int[] row = new int[tiles.getWidth()];
        for (int y = 0; y < tiles.getHeight(); y++) {
            raster.getSamples(0, y, row.length, 1, 0, row);
            for (int x = 0; x < row.length; x++) {
                row[x] = (int) Math.round(Math.round(row[x] * (LEVELS - 1) / 255.0) * 255.0 / (LEVELS - 1));
            }
            raster.setSamples(0, y, row.length, 1, 0, row);
        }
        frames.add(Captions.above(tiles, "epoch " + epoch + " of " + epochs,
                Captions.width(("epoch " + epochs + " of " + epochs).length())));
    }

    public int frames() {
        return frames.size();
    }

    /** Writes the frames so far, atomically; nothing when there are none. */
    public void write(Path gif) throws IOException {
        if (frames.isEmpty()) {
            return;
        }
        int n = frames.size();
        int delay = Math.max(15, Math.min(60, TOTAL_CS / n));
        int[] delays = new int[n];
        java.util.Arrays.fill(delays, delay);
        delays[n - 1] = LAST_CS;
        Files.createDirectories(gif.toAbsolutePath().getParent());
        AtomicFiles.write(gif, out -> GifWriter.write(frames, delays, out));
    }
}
