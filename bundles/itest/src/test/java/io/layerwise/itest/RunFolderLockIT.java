package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per run folder: a second run or resume of a folder in use, in this framework or from another process,
 * is refused in one line naming the folder and the holder; a lock left by a killed process is taken over. (Nothing
 * here reads a run.lock that this JVM holds: POSIX would drop the holder's lock when the reader closes the file.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunFolderLockIT {
    static final long PID = ProcessHandle.current().pid();

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();
    /** 300 short epochs: long enough to interrupt after a few, short enough to resume to the end. */
    Path finite;
    Path endless;

    @BeforeAll
    void writePipelines() throws Exception {
        finite = PlatformIT.pipeline(felix.work(), "finite", PlatformIT.TINY.replace("\"epochs\": 2", "\"epochs\": 300"));
        endless = PlatformIT.pipeline(felix.work(), "endless", PlatformIT.TINY.replace("\"epochs\": 2", "\"epochs\": 100000"));
    }

    @Test
    void ofTwoResumesOfOneFolderAtOnceOneTrainsAndTheOtherIsRefusedNamingIt() throws Exception {
        Path dir = interrupted("twice");
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Future<Shell.Result>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                results.add(two.submit(() -> {
                    go.await();
                    return Shell.exec(felix.platform(), "layerwise:resume --async " + dir);
                }));
            }
            go.countDown();
            Shell.Result a = results.get(0).get(120, TimeUnit.SECONDS);
            Shell.Result b = results.get(1).get(120, TimeUnit.SECONDS);
            assertTrue(a.exitCode() == 0 ^ b.exitCode() == 0, "exactly one resume starts:\n" + a.all() + "\n" + b.all());
            Shell.Result started = a.exitCode() == 0 ? a : b;
            Shell.Result refused = a.exitCode() == 0 ? b : a;
            String id = started.out().replaceAll("(?s).*job (\\d+) started.*", "$1");
            String err = refused.err().strip();
            assertFalse(err.contains("\n") || err.contains("\tat "), "one line: " + err);
            assertTrue(err.contains(dir + ": in use by job " + id + " (pid " + PID + " on "), err);
            assertTrue(err.contains("(layerwise:cancel " + id + ")"), err);
            Shell.exec(felix.platform(), "layerwise:cancel " + id);
            Jobs.awaitEnd(felix.platform(), id, 60_000);
        } finally {
            two.shutdownNow();
        }
        JsonObject history = PlatformIT.json(dir.resolve("history.json"));
        assertEquals(1, history.getAsJsonArray("resumed").size(), "the refused resume wrote nothing: " + history);
        assertTrue(Files.notExists(dir.resolve("run.lock")), "the lock goes with its job");
    }

    @Test
    void aResumeFromAnotherProcessIsRefusedWhileAJobHereWritesTheFolder(@TempDir Path cwd) throws Exception {
        Path dir = felix.work().resolve("busy");
        String id = Jobs.start(felix.platform(), dir, endless);
        try {
            Jobs.awaitCheckpoint(dir.resolve("stage-1-dae"), 1);
            Process other = Launcher.start(cwd, felix.work().resolve("data"), Map.of(), "resume", dir.toString());
            boolean exited = other.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                other.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            String err = Files.readString(cwd.resolve("launch.err")).strip();
            assertTrue(exited, "the second writer is still running: " + Files.readString(cwd.resolve("launch.out")));
            assertEquals(1, other.exitValue(), err);
            assertFalse(err.contains("\n") || err.contains("\tat "), "one line: " + err);
            assertTrue(err.contains(dir + ": in use by job " + id + " (pid " + PID + " on ")
                    && err.contains(") in another process; wait for it to end, or stop it"), err);
            assertTrue(Shell.exec(felix.platform(), "layerwise:status " + id).out().contains(" RUNNING "), "the job goes on");
        } finally {
            Shell.exec(felix.platform(), "layerwise:cancel " + id);
            Jobs.awaitEnd(felix.platform(), id, 60_000);
        }
        assertFalse(Files.readString(dir.resolve("run.log")).contains("resume"), "the other process wrote nothing");
    }

    /** As a process killed with SIGKILL leaves its lock: its record in run.lock, and no lock on it any more. */
    @Test
    void aLockLeftByAKilledProcessIsTakenOverByResumeWhichSaysSo() throws Exception {
        Path dir = interrupted("stale");
        long dead = 4_000_000;
        while (ProcessHandle.of(dead).isPresent()) {
            dead++;
        }
        Files.writeString(dir.resolve("run.lock"), "{\"pid\": " + dead + ", \"host\": \"" + host()
                + "\", \"job\": \"41\", \"started\": \"2026-03-03T00:00:00Z\"}\n");
        Shell.Result resumed = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("took over the stale lock of " + dir + ": job 41 (pid " + dead + " on " + host()
                + ", since 2026-03-03T00:00:00Z) ended without releasing it"), resumed.out());
        assertEquals("done", PlatformIT.json(dir.resolve("history.json")).get("status").getAsString());
        assertTrue(Files.notExists(dir.resolve("run.lock")), "the lock goes with its job");
    }

    @Test
    void resumingAFinishedRunIsRefusedAndLeavesNoLockBehind() throws Exception {
        Path dir = felix.work().resolve("finished");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + dir + " " + PlatformIT.pipeline(felix.work(), "tiny",
                PlatformIT.TINY));
        assertEquals(0, r.exitCode(), r.all());
        r = Shell.exec(felix.platform(), "layerwise:resume " + dir);
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains(dir + ": the run finished; there is nothing to resume"), r.err());
        assertTrue(Files.notExists(dir.resolve("run.lock")));
    }

    /** A run of the 300-epoch pipeline cancelled after its second epoch. */
    private Path interrupted(String name) throws Exception {
        Path dir = felix.work().resolve(name);
        String id = Jobs.start(felix.platform(), dir, finite);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-dae"), 2);
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        assertTrue(Jobs.awaitEnd(felix.platform(), id, 60_000).contains(" CANCELLED "));
        return dir;
    }

    private static String host() throws Exception {
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        return Files.exists(kernel) ? Files.readString(kernel).strip() : InetAddress.getLocalHost().getHostName();
    }
}
