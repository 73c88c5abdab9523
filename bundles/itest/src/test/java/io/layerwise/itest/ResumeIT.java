package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and resume: a run interrupted after some epochs (cancelled, or its process killed with SIGKILL) and
 * resumed ends with exactly the parameters of a run that was never interrupted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeIT {
    /**
     * Every kind of state a checkpoint must carry: momentum, Adam's moments, the DAE's noise generator, the running
     * sparsity estimate, persistent Gibbs chains; three stages, so that a resumed run also loads finished stages.
     * Stage 2 trains 300 short epochs, so that an interruption after its third surely falls inside it.
     */
    static final String PIPELINE = """
            {"name": "resume", "seed": 21, "data": {"source": "mnist"},
             "stages": [
               {"type": "dae", "hidden": 40, "noise": {"kind": "mask", "level": 0.3},
                "train": {"epochs": 3, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1, "momentum": 0.5}}},
               {"type": "sparse-ae", "hidden": 30,
                "train": {"epochs": EPOCHS, "batch": 10, "optimizer": {"kind": "adam", "lr": 0.003}}},
               {"type": "rbm", "hidden": 20, "k": 2, "persistent": true, "sampleEvery": 0,
                "train": {"epochs": 3, "batch": 20}}]}
            """;

    /**
     * One stage whose first epoch is long (6,000 minibatches of one row, a checkpoint every 100 of them), so that a
     * run stopped soon after its first checkpoint surely stops inside epoch 1.
     */
    static final String FIRST_EPOCH = """
            {"name": "first-epoch", "seed": 23, "data": {"source": "mnist", "dir": "DATA"},
             "stages": [{"type": "dae", "hidden": 20, "noise": {"kind": "mask", "level": 0.3},
                         "train": {"epochs": 2, "batch": 1, "checkpointEvery": 100,
                                   "optimizer": {"kind": "sgd", "lr": 0.01, "momentum": 0.5}}}]}
            """;

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();
    Path pipeline;
    Path firstEpoch;

    @BeforeAll
    void runTheWholePipelines() throws Exception {
        pipeline = PlatformIT.pipeline(felix.work(), "resume", PIPELINE.replace("EPOCHS", "300"));
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("whole") + " " + pipeline);
        assertEquals(0, r.exitCode(), r.all());
        Path rows = SyntheticMnist.write(felix.work().resolve("data-6000"), 6000, 50);
        firstEpoch = PlatformIT.pipeline(felix.work(), "first-epoch", FIRST_EPOCH.replace("DATA", rows.toString()));
        r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("first-epoch-whole") + " " + firstEpoch);
        assertEquals(0, r.exitCode(), r.all());
    }

    @Test
    void aCancelledRunResumedFromItsCheckpointEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        Path dir = felix.work().resolve("cancelled");
        String id = Jobs.start(felix.platform(), dir, pipeline);
        Jobs.awaitCheckpoint(dir.resolve("stage-2-sparse-ae"), 3);
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        Jobs.awaitEnd(felix.platform(), id, 60_000);
        assertTrue(Shell.exec(felix.platform(), "layerwise:status " + id).out().contains("CANCELLED"));
        Shell.Result resumed = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("stage 1 (dae) finished before the interruption"), resumed.out());
        assertTrue(resumed.out().contains("stage 2 (sparse-ae): resumed after epoch"), resumed.out());
        assertSameParameters(felix.work().resolve("whole"), dir);
        String history = Files.readString(dir.resolve("history.json"));
        assertTrue(history.contains("\"resumed\""), history);
        assertTrue(history.contains("\"status\": \"done\""), history);
        assertTrue(Files.notExists(dir.resolve("stage-2-sparse-ae/checkpoints")), "checkpoints go once the stage is done");
    }

    @Test
    void aCheckpointInsideAnEpochResumesAtItsMinibatchBitIdentically() throws Exception {
        Path dir = felix.work().resolve("mid-epoch");
        Path file = PlatformIT.pipeline(felix.work(), "mid", PIPELINE.replace("EPOCHS", "300")
                .replace("\"batch\": 10,", "\"batch\": 10, \"checkpointEvery\": 4,"));
        String id = Jobs.start(felix.platform(), dir, file);
        Jobs.awaitCheckpoint(dir.resolve("stage-2-sparse-ae"), 3);
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        Jobs.awaitEnd(felix.platform(), id, 60_000);
        // keep only checkpoints taken inside an epoch, so that resuming must start at a minibatch
        try (var dirs = Files.list(dir.resolve("stage-2-sparse-ae/checkpoints"))) {
            for (Path d : dirs.toList()) {
                if (d.getFileName().toString().matches("epoch-\\d+")) {
                    try (var files = Files.list(d)) {
                        for (Path f : files.toList()) {
                            Files.delete(f);
                        }
                    }
                    Files.delete(d);
                }
            }
        }
        Shell.Result resumed = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().matches("(?s).*stage 2 \\(sparse-ae\\): resumed after epoch \\d+ and \\d+ minibatches of epoch.*"),
                resumed.out());
        assertSameParameters(felix.work().resolve("whole"), dir);
    }

    @Test
    void aRunCancelledInsideItsFirstEpochResumesFromThatEpochsNewestCheckpoint() throws Exception {
        Path dir = felix.work().resolve("first-epoch-cancelled");
        int batch = stopInsideTheFirstEpoch(dir);
        Shell.Result resumed = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("stage 1 (dae): resumed after " + batch + " minibatches of epoch 1 from "),
                resumed.out());
        assertSameStage(felix.work().resolve("first-epoch-whole"), dir, "stage-1-dae");
    }

    /**
     * As a process killed inside epoch 1 leaves it: history.json written at the start, without the stage (its entry
     * is written with the first finished epoch), and the stage's checkpoints inside epoch 1.
     */
    @Test
    void aRunKilledInsideItsFirstEpochResumesFromThatEpochsNewestCheckpoint() throws Exception {
        Path dir = felix.work().resolve("first-epoch-killed");
        int batch = stopInsideTheFirstEpoch(dir);
        Files.writeString(dir.resolve("history.json"), "{\"pipeline\": \"first-epoch\", \"status\": \"running\", \"stages\": []}");
        Shell.Result resumed = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("stage 1 (dae): resumed after " + batch + " minibatches of epoch 1 from "),
                resumed.out());
        assertSameStage(felix.work().resolve("first-epoch-whole"), dir, "stage-1-dae");
    }

    /** Starts the long-first-epoch pipeline, cancels it after its first checkpoint; returns the newest one's minibatch. */
    private int stopInsideTheFirstEpoch(Path dir) throws Exception {
        String id = Jobs.start(felix.platform(), dir, firstEpoch);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-dae"), 0);
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        Jobs.awaitEnd(felix.platform(), id, 60_000);
        try (var dirs = Files.list(dir.resolve("stage-1-dae/checkpoints"))) {
            String newest = dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("epoch-\\d+(-\\d+)?"))
                    .max(String::compareTo).orElseThrow();
            assertTrue(newest.matches("epoch-0000-\\d{6}"), "stopped inside epoch 1: newest checkpoint " + newest);
            return Integer.parseInt(newest.substring("epoch-0000-".length()));
        }
    }

    @Test
    void aDamagedNewestCheckpointIsReportedAndTheOneBeforeItIsUsed() throws Exception {
        Path dir = felix.work().resolve("damaged");
        String id = Jobs.start(felix.platform(), dir, pipeline);
        Jobs.awaitCheckpoint(dir.resolve("stage-2-sparse-ae"), 4);
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        Jobs.awaitEnd(felix.platform(), id, 60_000);
        Path newest = newestCheckpoint(dir.resolve("stage-2-sparse-ae"));
        Path bin = newest.resolve("params.bin");
        byte[] bytes = Files.readAllBytes(bin);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(bin, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        Shell.Result resumed = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("checkpoint " + newest + " is damaged and is skipped"), resumed.out());
        assertTrue(resumed.out().contains("using the checkpoint"), resumed.out());
        assertSameParameters(felix.work().resolve("whole"), dir);
    }

    @Test
    void aProcessKilledMidEpochLosesAtMostThatEpochAndResumesToTheSameParameters(@TempDir Path cwd) throws Exception {
        Path longer = PlatformIT.pipeline(cwd, "long", PIPELINE.replace("EPOCHS", "300"));
        Path whole = cwd.resolve("whole");
        assertEquals(0, launch(cwd, "run", longer.toString(), "--out", whole.toString()).waitFor());
        Path dir = cwd.resolve("killed");
        Process p = launch(cwd, "run", longer.toString(), "--out", dir.toString());
        Path stage = dir.resolve("stage-2-sparse-ae");
        Jobs.awaitCheckpoint(stage, 5);
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no last words
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int kept = Integer.parseInt(newestCheckpoint(stage).getFileName().toString().substring(6));
        Process resumed = launch(cwd, "resume", dir.toString());
        assertEquals(0, resumed.waitFor(), Files.readString(cwd.resolve("launch.err")));
        String out = Files.readString(cwd.resolve("launch.out"));
        assertTrue(out.contains("stage 2 (sparse-ae): resumed after epoch " + kept), out);
        // the killed process could not release its run.lock; the OS released the lock on it: stale, taken over
        assertTrue(out.contains("took over the stale lock of " + dir + ": job 1 (pid " + p.pid()), out);
        assertSameParameters(whole, dir);
    }

    private Process launch(Path cwd, String... args) throws Exception {
        return Launcher.start(cwd, felix.work().resolve("data"), Map.of(), args);
    }

    private static void assertSameParameters(Path expected, Path actual) throws Exception {
        for (String stage : List.of("stage-1-dae", "stage-2-sparse-ae", "stage-3-rbm")) {
            assertSameStage(expected, actual, stage);
        }
    }

    private static void assertSameStage(Path expected, Path actual, String stage) throws Exception {
        assertArrayEquals(Files.readAllBytes(expected.resolve(stage).resolve("params.bin")),
                Files.readAllBytes(actual.resolve(stage).resolve("params.bin")), stage + " differs after resume");
    }

    private static Path newestCheckpoint(Path stageDir) throws Exception {
        try (var dirs = Files.list(stageDir.resolve("checkpoints"))) {
            return dirs.filter(d -> d.getFileName().toString().matches("epoch-\\d+")).max(Path::compareTo).orElseThrow();
        }
    }
}
