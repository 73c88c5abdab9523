package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path dir;

    private static final long PID = ProcessHandle.current().pid();

    @Test
    void aSecondWriterInThisJvmIsRefusedInOneLineNamingTheFolderAndTheHolder() throws Exception {
        RunLock first = RunLock.acquire(dir, "3");
        try {
            IOException e = assertThrows(IOException.class, () -> RunLock.acquire(dir, "4"));
            assertTrue(e.getMessage().startsWith(dir + ": in use by job 3 (pid " + PID + " on "), e.getMessage());
            assertTrue(e.getMessage().contains("in this framework; wait for it to end or cancel it (layerwise:cancel 3)"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            e = assertThrows(IOException.class, () -> RunLock.refuseIfHeldHere(dir));
            assertTrue(e.getMessage().contains("job 3"), e.getMessage());
        } finally {
            first.release();
        }
    }

    @Test
    void releasingDeletesTheLockFileAndFreesTheFolder() throws Exception {
        RunLock lock = RunLock.acquire(dir, "1");
        assertTrue(Files.exists(dir.resolve(RunLock.FILE)));
        assertNull(lock.tookOver(), "the folder was free");
        lock.release();
        lock.release(); // twice is harmless
        assertFalse(Files.exists(dir.resolve(RunLock.FILE)));
        RunLock.refuseIfHeldHere(dir);
        RunLock again = RunLock.acquire(dir, "2");
        assertNull(again.tookOver());
        again.release();
    }

    /** As a process killed with SIGKILL leaves it: its record, and no lock (the OS released it with the process). */
    @Test
    void aLockFileLeftByAKilledProcessIsTakenOverSayingWhose() throws Exception {
        long dead = deadPid();
        Files.writeString(dir.resolve(RunLock.FILE), new RunLock.Holder(dead, RunLock.thisHost(), "7",
                "2026-01-01T00:00:00Z").json());
        RunLock lock = RunLock.acquire(dir, "8");
        try {
            assertEquals("took over the stale lock of " + dir + ": job 7 (pid " + dead + " on " + RunLock.thisHost()
                    + ", since 2026-01-01T00:00:00Z) ended without releasing it, and no process holds it now",
                    lock.tookOver());
        } finally {
            lock.release();
        }
        assertFalse(Files.exists(dir.resolve(RunLock.FILE)));
    }

    /**
     * Another process holds the lock: refused, naming its pid and job; once that process is killed (no chance to
     * release anything), the lock it leaves is stale and is taken over.
     */
    @Test
    void aLockHeldByAnotherProcessIsRefusedAndTakenOverOnceThatProcessIsKilled() throws Exception {
        Path source = dir.resolve("Holder.java");
        Files.writeString(source, """
                import java.nio.ByteBuffer;
                import java.nio.channels.FileChannel;
                import java.nio.charset.StandardCharsets;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;

                public class Holder {
                    public static void main(String[] args) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                                StandardOpenOption.READ, StandardOpenOption.WRITE);
                        if (c.tryLock() == null) {
                            throw new IllegalStateException("not locked");
                        }
                        String record = "{\\"pid\\": " + ProcessHandle.current().pid() + ", \\"host\\": \\"" + args[1]
                                + "\\", \\"job\\": \\"9\\", \\"started\\": \\"2026-02-02T00:00:00Z\\"}";
                        c.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)));
                        c.force(false);
                        System.out.println("locked");
                        Thread.sleep(120_000);
                    }
                }
                """);
        Path run = Files.createDirectories(dir.resolve("run"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, source.toString(), run.resolve(RunLock.FILE).toString(),
                RunLock.thisHost()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            IOException e = assertThrows(IOException.class, () -> RunLock.acquire(run, "1"));
            assertEquals(run + ": in use by job 9 (pid " + holder.pid() + " on " + RunLock.thisHost()
                    + ", since 2026-02-02T00:00:00Z) in another process; wait for it to end, or stop it", e.getMessage());
            RunLock.refuseIfHeldHere(run); // a refused acquire leaves nothing registered here
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        RunLock lock = RunLock.acquire(run, "2");
        try {
            assertTrue(lock.tookOver().contains("job 9 (pid " + holder.pid()), lock.tookOver());
        } finally {
            lock.release();
        }
    }

    private static long deadPid() {
        for (long pid = 4_000_000; ; pid++) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
    }
}
