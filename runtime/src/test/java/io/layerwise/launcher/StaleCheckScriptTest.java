package io.layerwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's {@code stale} function, run by bash on a made-up checkout: which files make runtime/layerwise build
 * the distribution again before it starts. Its own text is taken from runtime/layerwise, so the test checks the
 * launcher as it is.
 */
class StaleCheckScriptTest {
    private static final Path LAUNCHER = Path.of("layerwise").toAbsolutePath();
    private static final FileTime BUILT = FileTime.from(Instant.parse("2026-01-02T00:00:00Z"));
    private static final FileTime BEFORE = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    private static final FileTime AFTER = FileTime.from(Instant.parse("2026-01-03T00:00:00Z"));
    private static final List<String> SOURCES = List.of("pom.xml", "runtime/pom.xml",
            "runtime/src/main/java/io/layerwise/launcher/Main.java", "bundles/core/pom.xml",
            "bundles/core/src/main/java/io/layerwise/core/nn/Level3.java",
            "bundles/core/src/main/resources/x.properties",
            "bundles/nd4j-natives/pom.xml", "bundles/nd4j-natives/linux-x86_64/pom.xml");

    @TempDir
    Path home;

    private Path dist;

    @BeforeEach
    void checkout() throws IOException {
        dist = home.resolve("runtime/target/layerwise");
        for (String source : SOURCES) {
            write(source, BEFORE);
        }
        // build outputs and other folders, newer than the distribution: never a reason to build
        write("bundles/core/target/classes/io/layerwise/core/nn/Level3.class", AFTER);
        write("bundles/core/target/pom.xml", AFTER);
        write("docs/performance.md", AFTER);
        write("config/pipelines/mnist-dae.json", AFTER);
        write("runtime/jit-kernels.json", AFTER);
        write("runtime/target/layerwise/bin/layerwise-launcher.jar", BUILT);
        Files.setLastModifiedTime(dist, BUILT);
    }

    private void write(String relative, FileTime time) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, relative);
        Files.setLastModifiedTime(file, time);
    }

    /** Whether {@code stale} says the distribution must be built again. */
    private boolean stale() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c",
                "set -euo pipefail; eval \"$(sed -n '/^stale() {/,/^}/p' \"$0\")\"; home=\"$1\"; dist=\"$2\";"
                        + " if stale; then echo stale; else echo fresh; fi;"
                        // the launcher's later globs (the class-data archives) count on bash's defaults
                        + " ! shopt -q globstar && ! shopt -q nullglob || echo 'shell options left changed'",
                LAUNCHER.toString(), home.toString(), dist.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.equals("stale") || out.equals("fresh"), out);
        return out.equals("stale");
    }

    @Test
    void buildOutputsDocsAndConfigurationNewerThanTheDistributionLeaveItFresh() throws Exception {
        assertFalse(stale());
    }

    @Test
    void everyPomAndEverySourceFileNewerThanTheDistributionMakesItStale() throws Exception {
        for (String source : SOURCES) {
            Files.setLastModifiedTime(home.resolve(source), AFTER);
            assertTrue(stale(), source);
            Files.setLastModifiedTime(home.resolve(source), BEFORE);
            assertFalse(stale(), source);
        }
    }

    @Test
    void aNewSourceFileMakesItStale() throws Exception {
        write("bundles/model-rbm/src/main/java/io/layerwise/model/rbm/internal/Rbm.java", AFTER);
        assertTrue(stale());
    }

    @Test
    void aDistributionWithoutItsLauncherIsStale() throws Exception {
        Files.delete(dist.resolve("bin/layerwise-launcher.jar"));
        assertTrue(stale());
    }
}
