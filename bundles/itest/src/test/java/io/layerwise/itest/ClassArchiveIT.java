package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runtime/layerwise's class-data archive (docs/performance.md, "Start time"): the first start writes it, the next
 * ones start from it with the same bundles, components and services as a start without it, and an archive the JVM
 * rejects (damaged, or made by a JVM set up otherwise, as after a JDK update) gives a normal start, one line saying
 * so, and a new archive the start after.
 */
class ClassArchiveIT {
    /** Each bundle, and its services by interface (a Gogo line prints its last command's output only). */
    private static final String INVENTORY = "inspect cap service";
    /** The components and their states. */
    private static final String COMPONENTS = "scr:list";
    private static final String NOTE = "class-data archive";
    /**
     * For the starts whose classes are counted: the inventory is a listing, under which the backend's ND4J load waits
     * and so never comes (docs/performance.md, "Start: a listing under exec ends without ND4J"); a whole start, the
     * archive's ND4J classes included, loads it at once.
     */
    private static final String LOADS_ND4J = "-Dlayerwise.backend.loadDelayMs=0";

    @Test
    void aStartFromTheArchiveHasTheSameBundlesAndServicesAndABadArchiveFallsBackWithOneLine(@TempDir Path work)
            throws Exception {
        Path archives = Files.createDirectories(work.resolve("cds"));
        Run plain = launch(work, Map.of("LAYERWISE_CDS", "0"));
        assertEquals(0, plain.exit, plain.err);
        assertTrue(plain.out.contains("io.layerwise.backend [") && plain.out.contains("io.layerwise.api.backend.Backend"),
                plain.out);
        Run plainComponents = launch(work, Map.of("LAYERWISE_CDS", "0"), COMPONENTS);
        assertTrue(plainComponents.out.contains("BackendComponent in bundle"), plainComponents.out);
        assertEquals(List.of(), archives(archives), "LAYERWISE_CDS=0 writes no archive");

        Run writing = launch(work, Map.of("LAYERWISE_CDS_DIR", archives.toString()));
        assertEquals(0, writing.exit, writing.err);
        assertEquals(inventory(plain.out), inventory(writing.out));
        List<Path> written = archives(archives);
        assertEquals(1, written.size(), "one archive, written at the first start's exit: " + written);

        Path classLog = work.resolve("class-load.log");
        Run archived = launch(work, Map.of("LAYERWISE_CDS_DIR", archives.toString(),
                "LAYERWISE_JAVA_OPTS", LOADS_ND4J + " -Xlog:class+load=info:file=" + classLog));
        assertEquals(0, archived.exit, archived.err);
        assertEquals(inventory(plain.out), inventory(archived.out));
        assertFalse(archived.err.contains(NOTE), archived.err);
        Path archive = single(archives);
        assertFalse(archive.getFileName().toString().matches(".*\\.\\d+\\.jsa"), "adopted under its final name: " + archive);
        long shared;
        try (Stream<String> lines = Files.lines(classLog)) {
            shared = lines.filter(l -> l.contains("shared objects file (top)")).count();
        }
        assertTrue(shared > 1000, "classes taken from the archive: " + shared);
        Run archivedComponents = launch(work, Map.of("LAYERWISE_CDS_DIR", archives.toString()), COMPONENTS);
        assertEquals(inventory(plainComponents.out), inventory(archivedComponents.out));

        archive.toFile().setWritable(true);
        Files.write(archive, new byte[64 * 1024]); // damaged: zeros where the header was
        fallsBackWithOneLine(work, archives, archive, plain);

        // an archive of a JVM without compressed oops: its base archive is another, so this JVM refuses it
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UseCompressedOops", "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=off", "-version")
                .redirectErrorStream(true).redirectOutput(work.resolve("other-jvm.log").toFile()).start();
        assertTrue(other.waitFor(60, TimeUnit.SECONDS) && other.exitValue() == 0, Files.readString(work.resolve("other-jvm.log")));
        assertTrue(Files.isRegularFile(archive), "the other JVM wrote " + archive);
        fallsBackWithOneLine(work, archives, archive, plain);

        Run rewriting = launch(work, Map.of("LAYERWISE_CDS_DIR", archives.toString()));
        assertEquals(0, rewriting.exit, rewriting.err);
        assertFalse(rewriting.err.contains(NOTE), rewriting.err);
        assertEquals(1, archives(archives).size(), "the start after writes a new archive at its exit");
    }

    /**
     * A first start that ends before the framework is up (a bad option) writes an archive of the few hundred classes it
     * loaded; the next start deletes it instead of adopting it and writes its own, which the start after takes more
     * than a thousand classes from.
     */
    @Test
    void anArchiveFromAStartThatNeverGotTheFrameworkUpIsNotAdopted(@TempDir Path work) throws Exception {
        Path archives = Files.createDirectories(work.resolve("cds"));
        Map<String, String> env = Map.of("LAYERWISE_CDS_DIR", archives.toString());
        Path cwd = Files.createDirectories(work.resolve("bad-option"));
        Process bad = Launcher.start(cwd, MnistReferenceIT.SAMPLE.toAbsolutePath(), env, "--no-such-option");
        assertTrue(bad.waitFor(150, TimeUnit.SECONDS), "a start with a bad option did not end in 150 s");
        assertEquals(2, bad.exitValue(), Files.readString(cwd.resolve("launch.err")));
        List<Path> partial = archives(archives);
        assertEquals(1, partial.size(), "the bad start wrote an archive at its exit: " + partial);
        assertTrue(partial.get(0).getFileName().toString().matches("layerwise\\.\\d+\\.jsa"), partial.toString());

        Run next = launch(work, env);
        assertEquals(0, next.exit, next.err);
        List<Path> written = archives(archives);
        assertEquals(1, written.size(), written.toString());
        assertFalse(written.contains(partial.get(0)), "the partial archive is deleted, not adopted: " + written);
        assertFalse(written.get(0).getFileName().toString().equals("layerwise.jsa"), written.toString());

        Path classLog = work.resolve("class-load.log");
        Run archived = launch(work, Map.of("LAYERWISE_CDS_DIR", archives.toString(),
                "LAYERWISE_JAVA_OPTS", LOADS_ND4J + " -Xlog:class+load=info:file=" + classLog));
        assertEquals(0, archived.exit, archived.err);
        assertEquals("layerwise.jsa", single(archives).getFileName().toString());
        try (Stream<String> lines = Files.lines(classLog)) {
            long shared = lines.filter(l -> l.contains("shared objects file (top)")).count();
            assertTrue(shared > 1000, "classes taken from the whole start's archive: " + shared);
        }
        try (Stream<Path> files = Files.list(archives)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".started")).toList(), "no marker left");
        }
    }

    /** The start under a rejected archive: as without one, one line naming it, and the archive deleted. */
    private void fallsBackWithOneLine(Path work, Path archives, Path archive, Run plain) throws Exception {
        Run fallback = launch(work, Map.of("LAYERWISE_CDS_DIR", archives.toString()));
        assertEquals(0, fallback.exit, fallback.err);
        assertEquals(inventory(plain.out), inventory(fallback.out));
        List<String> notes = fallback.err.lines().filter(l -> l.contains(NOTE)).toList();
        assertEquals(1, notes.size(), fallback.err);
        assertTrue(notes.get(0).startsWith("layerwise: " + NOTE + " " + archive) && notes.get(0).contains("not used"),
                notes.get(0));
        assertEquals(List.of(), archives(archives), "the rejected archive is deleted");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run launch(Path work, Map<String, String> env) throws Exception {
        return launch(work, env, INVENTORY);
    }

    private static Run launch(Path work, Map<String, String> env, String command) throws Exception {
        Path cwd = Files.createDirectories(work.resolve("run-" + System.nanoTime()));
        Process p = Launcher.start(cwd, MnistReferenceIT.SAMPLE.toAbsolutePath(), env, "exec", command);
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("runtime/layerwise exec \"" + command + "\" did not end in 150 s");
        }
        return new Run(p.exitValue(), Files.readString(cwd.resolve("launch.out")), Files.readString(cwd.resolve("launch.err")));
    }

    /**
     * What must not differ between starts: each bundle's service interfaces, every component and its state; service
     * and component ids follow the timing of the start and are left out.
     */
    private static TreeSet<String> inventory(String out) {
        TreeSet<String> lines = new TreeSet<>();
        String bundle = "";
        String component = "";
        for (String line : out.lines().toList()) {
            if (line.endsWith(" provides:")) {
                bundle = line;
                lines.add(line);
            } else if (line.startsWith("service; ")) {
                lines.add(bundle + " " + line);
            } else if (line.contains(" in bundle ")) {
                component = line.strip();
            } else if (line.strip().startsWith("Id: ")) {
                lines.add(component + " " + line.strip().replaceFirst("^Id: \\d+, ", ""));
            }
        }
        return lines;
    }

    private static List<Path> archives(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.filter(f -> f.toString().endsWith(".jsa")).sorted().toList());
        }
    }

    private static Path single(Path dir) throws IOException {
        List<Path> all = archives(dir);
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }
}
