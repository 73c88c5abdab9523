package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {

    private static Path maps(Path dir, String mappedFile) throws IOException {
        return Files.writeString(dir.resolve("maps"), "7f00-7f10 r--p 00000000 fd:01 42 " + mappedFile + "\n"
                + "7f20-7f30 r-xp 00000000 fd:01 43 /usr/lib/libc.so.6\n");
    }

    @Test
    void anArchiveTheJvmMappedIsKeptWithoutANote(@TempDir Path dir) throws IOException {
        Path archive = Files.writeString(dir.resolve("layerwise-1.jsa"), "archive");
        assertEquals(Optional.empty(), ClassArchive.checkInUse(archive.toString(), maps(dir, archive.toRealPath().toString())));
        assertTrue(Files.exists(archive));
    }

    @Test
    void anArchiveTheJvmDidNotMapIsNamedInOneLineAndDeleted(@TempDir Path dir) throws IOException {
        Path archive = Files.writeString(dir.resolve("layerwise-1.jsa"), "damaged");
        Optional<String> note = ClassArchive.checkInUse(archive.toString(), maps(dir, "/usr/lib/jvm/classes.jsa"));
        assertTrue(note.isPresent());
        assertTrue(note.get().startsWith("class-data archive " + archive + " not used"), note.get());
        assertEquals(1, note.get().lines().count());
        assertFalse(Files.exists(archive));
    }

    @Test
    void noArchiveGivenOrNoProcMapsSaysNothing(@TempDir Path dir) throws IOException {
        Path archive = Files.writeString(dir.resolve("layerwise-1.jsa"), "archive");
        assertEquals(Optional.empty(), ClassArchive.checkInUse(null, maps(dir, "x")));
        assertEquals(Optional.empty(), ClassArchive.checkInUse(archive.toString(), dir.resolve("no-such-maps")));
        assertTrue(Files.exists(archive), "kept when nothing can tell");
    }

    /** The marker the script adopts an archive by: created when named, and nothing (no exception) otherwise. */
    @Test
    void theStartedMarkerIsCreatedWhenNamedAndAFailureIsSilent(@TempDir Path dir) {
        Path marker = dir.resolve("layerwise.123.started");
        ClassArchive.markStarted(marker.toString());
        assertTrue(Files.isRegularFile(marker));
        ClassArchive.markStarted(null);
        ClassArchive.markStarted(" ");
        ClassArchive.markStarted(dir.resolve("no-such-dir").resolve("layerwise.1.started").toString());
        assertFalse(Files.exists(dir.resolve("no-such-dir")));
    }
}
