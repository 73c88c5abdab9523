package io.layerwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's {@code archive_current} function, taken from runtime/layerwise and run by bash: a class-data archive
 * older than the JIT directives is dropped, since it keeps with each method whether C2 refused it when it was written
 * (a method the directives name now would stay on C1); a newer one, or none, is left as it is.
 */
class ArchiveCurrentScriptTest {
    @TempDir
    Path dir;

    private void archiveCurrent(Path archive, Path directives) throws IOException, InterruptedException {
        assertEquals("", LauncherFunctions.run("archive_current", "archive_current \"$1\" \"$2\"", Map.of(),
                archive.toString(), directives.toString()));
    }

    private static Path file(Path path, Instant modified) throws IOException {
        Files.writeString(path, path.getFileName().toString());
        Files.setLastModifiedTime(path, FileTime.from(modified));
        return path;
    }

    @Test
    void anArchiveOlderThanTheDirectivesIsDropped() throws Exception {
        Instant now = Instant.now();
        Path archive = file(dir.resolve("layerwise.jsa"), now.minusSeconds(60));
        Path directives = file(dir.resolve("jit-kernels.json"), now);
        archiveCurrent(archive, directives);
        assertFalse(Files.exists(archive));
        assertTrue(Files.exists(directives));
    }

    @Test
    void aNewerArchiveOrNoneIsLeftAlone() throws Exception {
        Instant now = Instant.now();
        Path directives = file(dir.resolve("jit-kernels.json"), now.minusSeconds(60));
        Path archive = file(dir.resolve("layerwise.jsa"), now);
        archiveCurrent(archive, directives);
        assertTrue(Files.exists(archive));
        archiveCurrent(dir.resolve("none.jsa"), directives);
        archiveCurrent(archive, dir.resolve("no-directives.json"));
        assertTrue(Files.exists(archive));
    }
}
