package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Jobs side by side in one framework: no shared buffers, RNG or directories, and no growth over many runs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyIT {
    /** One pipeline per model family, each with a seed of its own. */
    static final String[] PIPELINES = {
        """
        {"name": "c-dae", "seed": 11, "data": {"source": "mnist"},
         "stages": [{"type": "dae", "hidden": 24, "noise": {"kind": "mask", "level": 0.3},
                     "train": {"epochs": 4, "batch": 20}}]}
        """,
        """
        {"name": "c-ae", "seed": 12, "data": {"source": "mnist"},
         "stages": [{"type": "ae", "hidden": 20, "train": {"epochs": 4, "batch": 10, "optimizer": {"kind": "adam"}}}]}
        """,
        """
        {"name": "c-rbm", "seed": 13, "data": {"source": "mnist"},
         "stages": [{"type": "rbm", "hidden": 24, "k": 1, "persistent": true, "sampleEvery": 0,
                     "train": {"epochs": 4, "batch": 20}}]}
        """,
        """
        {"name": "c-sparse", "seed": 14, "data": {"source": "mnist"},
         "stages": [{"type": "sparse-ae", "hidden": 30, "train": {"epochs": 4, "batch": 20}}]}
        """,
    };

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();

    @Test
    void fourJobsAtOnceFinishWithTheParametersEachReachesAlone() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String json : PIPELINES) {
            String name = json.replaceAll("(?s).*\"name\": \"([^\"]+)\".*", "$1");
            files.add(PlatformIT.pipeline(felix.work(), name, json));
        }
        for (Path f : files) {
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("alone/" + f.getFileName()) + " " + f);
            assertEquals(0, r.exitCode(), r.all());
        }
        List<String> ids = new ArrayList<>();
        for (Path f : files) {
            ids.add(Jobs.start(felix.platform(), felix.work().resolve("together/" + f.getFileName()), f));
        }
        String jobs = Shell.exec(felix.platform(), "layerwise:jobs").out();
        for (String id : ids) {
            assertTrue(jobs.lines().anyMatch(l -> l.trim().startsWith(id + " ")), "job " + id + " listed:\n" + jobs);
        }
        for (String id : ids) {
            String end = Jobs.awaitEnd(felix.platform(), id, 120_000);
            assertTrue(end.contains(" DONE "), end);
        }
        for (Path f : files) {
            byte[] alone = Files.readAllBytes(stageDir(felix.work().resolve("alone/" + f.getFileName())).resolve("params.bin"));
            byte[] together = Files.readAllBytes(stageDir(felix.work().resolve("together/" + f.getFileName())).resolve("params.bin"));
            assertArrayEquals(alone, together, f.getFileName() + ": parameters differ when run beside three other jobs");
        }
    }

    @Test
    void cancelStopsAJobWithinAMinibatchAndKeepsTheLastEpochsModel() throws Exception {
        Path f = PlatformIT.pipeline(felix.work(), "long", PlatformIT.TINY.replace("\"epochs\": 2", "\"epochs\": 100000"));
        Path runDir = felix.work().resolve("runs/long");
        String id = Jobs.start(felix.platform(), runDir, f);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(runDir.resolve("stage-1-dae/model.json")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        long asked = System.nanoTime();
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        String end = Jobs.awaitEnd(felix.platform(), id, 10_000);
        assertTrue(end.contains(" CANCELLED "), end);
        double seconds = (System.nanoTime() - asked) / 1e9;
        // a minibatch of 20 rows x 16 hidden units takes well under a millisecond; a second is a generous bound
        assertTrue(seconds < 1.0, "cancelled after " + seconds + " s");
        String history = Files.readString(runDir.resolve("history.json"));
        assertTrue(history.contains("cancelled"), history);
        assertTrue(Files.size(stageDir(runDir).resolve("params.bin")) > 0);
    }

    /**
     * 100 short pipelines in one framework: heap in use (after GC) and the process's resident memory at the end stay
     * within 10% of their values after the first 10 runs. RSS moves by several MiB from one reading to the next (pages
     * of the Java heap touched or not, native buffers freed by the GC's reference processing, malloc arenas), so each
     * RSS figure is the median of five readings: after runs 11-15 and after runs 96-100.
     */
    @Test
    void aHundredShortRunsLeaveHeapAndResidentMemoryFlat() throws Exception {
        Path f = PlatformIT.pipeline(felix.work(), "soak", PlatformIT.TINY.replace("\"epochs\": 2", "\"epochs\": 6"));
        long heap10 = 0;
        long[] rssEarly = new long[5];
        long[] rssLate = new long[5];
        for (int i = 1; i <= 100; i++) {
            Path out = felix.work().resolve("soak/" + i);
            Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + f);
            assertEquals(0, r.exitCode(), r.all());
            if (i == 10) {
                heap10 = heapAfterGc();
            } else if (i > 10 && i <= 15) {
                heapAfterGc();
                rssEarly[i - 11] = residentBytes();
            } else if (i > 95) {
                heapAfterGc();
                rssLate[i - 96] = residentBytes();
            }
        }
        long heap100 = heapAfterGc();
        long early = median(rssEarly);
        long late = median(rssLate);
        System.out.printf(Locale.ROOT, "soak: heap after GC: after 10 runs %.1f MiB, after 100 %.1f MiB; RSS (median of "
                + "5 readings): runs 11-15 %.1f MiB, runs 96-100 %.1f MiB (%+.1f%%)%n", heap10 / 1048576.0,
                heap100 / 1048576.0, early / 1048576.0, late / 1048576.0, 100.0 * (late - early) / early);
        assertTrue(heap100 <= heap10 * 1.10, "heap grew from " + heap10 + " to " + heap100 + " bytes");
        assertTrue(late <= early * 1.10, "resident memory grew from " + early + " to " + late + " bytes");
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Path stageDir(Path runDir) throws Exception {
        try (var dirs = Files.list(runDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("stage-1-")).findFirst().orElseThrow(
                    () -> new AssertionError("no stage-1 directory in " + runDir));
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process, from /proc (Linux, as CI). */
    private static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }
}
