package io.layerwise.engine.internal.pictures;

import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** Writes PNGs under a temporary name and renames them, so a viewer or a crash never sees half a picture. */
public final class PngFiles {
    private PngFiles() {
    }

    public static void write(Path png, RenderedImage image) throws IOException {
        Path dir = png.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // unique per process and call, and not pre-created, so the picture gets the usual permissions
        Path tmp = dir.resolve("." + png.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
        try {
            // to a File, not a stream: ImageIO then needs no cache file of its own
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException(png + ": no PNG writer available in this Java runtime");
            }
            try {
                Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
