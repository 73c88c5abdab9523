package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployWatchTest {
    @TempDir
    Path dir;

    final List<String> lines = new ArrayList<>();

    @Test
    void aJarThatIsNoBundleIsNamedOnceItKeptItsVersionForAScanAndOnlyOncePerVersion() throws Exception {
        DeployWatch watch = new DeployWatch(List.of(dir), lines::add);
        Path jar = Files.writeString(dir.resolve("x.jar"), "garbage");
        watch.scan();
        assertEquals(List.of(), lines, "a file may still be being copied");
        watch.scan();
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith(jar + " is no bundle (not a jar (zip) file"), lines.get(0));
        assertTrue(lines.get(0).endsWith("; ignored until the file changes"), lines.get(0));
        watch.scan();
        watch.scan();
        assertEquals(1, lines.size(), "not on every scan");

        Files.writeString(jar, "other garbage");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        watch.scan();
        watch.scan();
        watch.scan();
        assertEquals(2, lines.size(), "once more for the new version: " + lines);
    }

    @Test
    void otherFilesAndSubfoldersAreLeftAloneAndARemovedJarIsForgotten() throws Exception {
        DeployWatch watch = new DeployWatch(List.of(dir, dir.resolve("missing")), lines::add);
        Files.writeString(dir.resolve("a.cfg"), "x = 1");
        Files.createDirectories(dir.resolve("sub.jar"));
        Path jar = Files.writeString(dir.resolve("y.jar"), "garbage");
        watch.scan();
        watch.scan();
        assertEquals(1, lines.size(), lines.toString());
        Files.delete(jar);
        watch.scan();
        Files.writeString(jar, "garbage");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(0));
        watch.scan();
        watch.scan();
        assertEquals(2, lines.size(), "back again: named again " + lines);
    }
}
