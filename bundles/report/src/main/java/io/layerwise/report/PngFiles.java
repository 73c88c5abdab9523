package io.layerwise.report;

import io.layerwise.data.files.AtomicFiles;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes PNGs under a temporary name and renames them, so a viewer or a crash never sees half a picture. */
public final class PngFiles {
    private PngFiles() {
    }

    public static void write(Path png, RenderedImage image) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException(png + ": no PNG writer available in this Java runtime");
            }
        });
    }
}
