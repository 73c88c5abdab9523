package io.layerwise.engine.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one writer of a run folder. A run or a resume holds {@code run.lock} in the folder from before its first write
 * until its job has ended; a second writer, in this framework or in another process, is refused with one line naming
 * the folder and the holder.
 * <ul>
 * <li>The file records the holder (pid, host, job, start) for that message, and is locked with
 * {@link FileChannel#tryLock}, which keeps other processes out and which the operating system releases when the
 * holder's process dies. A run.lock that names a holder but that no process locks is therefore stale (its process was
 * killed) and is taken over, saying whose it was.</li>
 * <li>Within one JVM such locks overlap (and throw), and POSIX drops a process's lock on a file when it closes
 * <em>any</em> descriptor of that file: so the folders held here are kept in a registry that answers before the file
 * is opened, and the holder touches its file only through its own channel.</li>
 * <li>Released on every way out of the job: the file is deleted while still locked, then unlocked, so that nobody
 * locks a file that no longer has the name (and one who opened it just before checks that the name is still
 * his file's).</li>
 * </ul>
 */
final class RunLock {
    static final String FILE = "run.lock";
    private static final int ATTEMPTS = 5;
    /** The folders (real paths) held by jobs of this engine, with their holders. */
    private static final Map<Path, Holder> HELD = new ConcurrentHashMap<>();
    private static volatile String hostName;

    /** Who holds a run folder, as its run.lock records it. */
    record Holder(long pid, String host, String job, String started) {
        static Holder of(String job) {
            return new Holder(ProcessHandle.current().pid(), thisHost(), job, Instant.now().toString());
        }

        String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", pid);
            m.put("host", host);
            m.put("job", job);
            m.put("started", started);
            return Json.toJson(m) + "\n";
        }

        /** The holder a run.lock names, or null when it names none (empty, half written, not ours). */
        static Holder parse(String text, Path file) {
            try {
                Map<String, Object> m = Json.parseObject(text, file);
                return m.get("pid") instanceof Number pid ? new Holder(pid.longValue(), String.valueOf(m.get("host")),
                        String.valueOf(m.get("job")), String.valueOf(m.get("started"))) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** {@code job 3 (pid 4242 on host1, since 2026-...Z)}. */
        String describe() {
            return "job " + job + " (pid " + pid + " on " + host + ", since " + started + ")";
        }

        /** Whether this holder's process may still run: another host, or a live process of this pid here. */
        boolean mayBeAlive() {
            return !host.equals(thisHost()) || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private final Path key;
    private final Path file;
    private final Holder holder;
    private final FileChannel channel;
    private final Object fileKey;
    private final String tookOver;
    private boolean released;

    private RunLock(Path key, Path file, Holder holder, FileChannel channel, Object fileKey, String tookOver) {
        this.key = key;
        this.file = file;
        this.holder = holder;
        this.channel = channel;
        this.fileKey = fileKey;
        this.tookOver = tookOver;
    }

    /**
     * Takes the folder {@code dir} (which exists) for {@code job}, or refuses with an IOException whose message is one
     * line naming the folder and its holder.
     */
    static RunLock acquire(Path dir, String job) throws IOException {
        Path key = dir.toRealPath();
        Holder me = Holder.of(job);
        Holder other = HELD.putIfAbsent(key, me);
        if (other != null) {
            throw heldHere(dir, other);
        }
        try {
            return lockFile(dir, key, me);
        } catch (IOException | RuntimeException | Error e) {
            HELD.remove(key, me);
            throw e;
        }
    }

    /** Refuses at once, without touching the folder, when a job of this engine holds it. */
    static void refuseIfHeldHere(Path dir) throws IOException {
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            return; // no such folder: whoever goes on names the problem
        }
        Holder other = HELD.get(key);
        if (other != null) {
            throw heldHere(dir, other);
        }
    }

    private static IOException heldHere(Path dir, Holder other) {
        return new IOException(dir + ": in use by " + other.describe() + " in this framework; wait for it to end or"
                + " cancel it (layerwise:cancel " + other.job() + ")");
    }

    private static IOException heldElsewhere(Path dir, Holder other, String where) {
        return new IOException(dir + ": in use by " + (other == null ? "a writer that has not named itself yet"
                : other.describe()) + " in " + where + "; wait for it to end, or stop it");
    }

    private static RunLock lockFile(Path dir, Path key, Holder me) throws IOException {
        Path file = key.resolve(FILE);
        for (int attempt = 1;; attempt++) {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new IOException(file + ": cannot open the run folder's lock: " + RunDirectory.reason(e), e);
            }
            boolean keep = false;
            try {
                Object opened = fileKey(file);
                boolean locking = true;
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    // another engine of this JVM (an earlier incarnation of this bundle) holds it
                    throw heldElsewhere(dir, Holder.parse(read(channel), file), "this Java VM");
                } catch (IOException e) {
                    lock = null; // a file system without locks (NFS without its lock daemon): the record alone decides
                    locking = false;
                }
                String before = read(channel);
                Holder previous = Holder.parse(before, file);
                if (locking && lock == null) {
                    throw heldElsewhere(dir, previous, "another process");
                }
                if (!locking && previous != null && previous.mayBeAlive()) {
                    throw new IOException(dir + ": in use by " + previous.describe() + " (" + file + " cannot be locked"
                            + " on this file system; delete it if that process is gone)");
                }
                byte[] record = me.json().getBytes(StandardCharsets.UTF_8);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(record), 0);
                channel.force(false);
                // A holder releasing deletes its file before it unlocks: the name must still be the file locked here.
                Object named = fileKey(file);
                if (opened == null || !opened.equals(named)) {
                    if (attempt < ATTEMPTS) {
                        continue; // the finally closes this channel, and its lock with it
                    }
                    throw new IOException(file + ": cannot lock the run folder: the file keeps being replaced");
                }
                String tookOver = before.isBlank() ? null : "took over the stale lock of " + dir + ": "
                        + (previous == null ? "a run.lock naming no holder" : previous.describe())
                        + " ended without releasing it, and no process holds it now";
                keep = true;
                return new RunLock(key, file, me, channel, named, tookOver);
            } finally {
                if (!keep) {
                    channel.close();
                }
            }
        }
    }

    /** The file's identity (device and inode) by its name, without opening it; null when it is gone. */
    private static Object fileKey(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.fileKey() != null ? a.fileKey() : a.creationTime();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The record in the file, read through this channel (never through another descriptor: see the class comment). */
    private static String read(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 4096);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // a few hundred bytes at most
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /** A line saying whose stale lock was taken over, or null when the folder was free. */
    String tookOver() {
        return tookOver;
    }

    Holder holder() {
        return holder;
    }

    /** Deletes the file (while still locked, and only if the name is still this lock's file), unlocks, forgets. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            if (Objects.equals(fileKey, fileKey(file))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a run.lock left behind names this holder and is locked by nobody: the next writer takes it over
        } finally {
            try {
                channel.close(); // releases the lock
            } catch (IOException e) {
                // closed or not, the process's lock goes with the descriptor
            }
            HELD.remove(key, holder);
        }
    }

    /** This machine's name: the kernel's on Linux, else what the network configuration says. */
    static String thisHost() {
        String h = hostName;
        if (h == null) {
            try {
                h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (IOException | RuntimeException e) {
                h = "";
            }
            if (h.isEmpty()) {
                try {
                    h = InetAddress.getLocalHost().getHostName();
                } catch (IOException | RuntimeException e) {
                    h = "an unknown host";
                }
            }
            hostName = h;
        }
        return h;
    }
}
