package io.layerwise.launcher.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One fresh framework storage directory per process, so that several Layerwise processes can run
 * side by side. The name carries the process id; directories of processes that died without cleaning
 * up are removed by the next start.
 */
public final class StorageDirs {

    static final String PREFIX = "layerwise-felix-";

    /**
     * Free space {@code /dev/shm} must have to hold a storage: one takes about 45 MB (the ND4J runtime's embedded
     * jars), and several processes may run at once.
     */
    static final long SHM_MIN_FREE = 512L << 20;

    private StorageDirs() {
    }

    /**
     * Where the storage directories go: {@code /dev/shm} where it is a writable memory file system with room, else
     * {@code java.io.tmpdir}. Each start writes its storage afresh and deletes it at the end (Felix copies the ND4J
     * runtime's 40 MB of embedded jars into it), which a disk makes the slowest part of a start's file work
     * (docs/performance.md, "Start: the framework storage in memory"). A mount without exec rights is passed over: a
     * bundle's native code is loaded from the storage. What dead processes left in the folder chosen is removed.
     */
    public static Path root() {
        return root(Path.of("/dev/shm"), Path.of("/proc/self/mounts"), SHM_MIN_FREE,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    static Path root(Path shm, Path mounts, long minFree, Path fallback) {
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm) && isExecTmpfs(mounts, shm)) {
                removeOrphans(shm); // before the free space is judged: what dead processes left is memory in use
                if (Files.getFileStore(shm).getUsableSpace() >= minFree) {
                    return shm;
                }
            }
        } catch (IOException | SecurityException e) {
            // no /dev/shm to use: the disk, as before
        }
        removeOrphans(fallback);
        return fallback;
    }

    /** Whether {@code /proc/self/mounts} lists {@code dir} as a tmpfs without {@code noexec} (the last line wins). */
    static boolean isExecTmpfs(Path mounts, Path dir) throws IOException {
        boolean found = false;
        for (String line : Files.readAllLines(mounts)) {
            String[] f = line.split(" ");
            if (f.length >= 4 && f[1].equals(dir.toString())) {
                found = f[2].equals("tmpfs") && !List.of(f[3].split(",")).contains("noexec");
            }
        }
        return found;
    }

    /**
     * A new directory {@code layerwise-felix-<pid>-<n>} in {@code tmp} (the folder {@link #root} chose, and rid of what
     * dead processes left there), the owner's only. Not
     * {@code Files.createTempDirectory}: its random name seeded a {@code SecureRandom}, a tenth of the framework's
     * init; the process id already sets it apart from other processes, and {@code n} from this process's others.
     */
    public static Path create(Path tmp) throws IOException {
        String prefix = PREFIX + ProcessHandle.current().pid() + "-";
        boolean posix = tmp.getFileSystem().supportedFileAttributeViews().contains("posix");
        for (long n = System.nanoTime() & Long.MAX_VALUE; ; n++) {
            Path dir = tmp.resolve(prefix + Long.toString(n, 36));
            try {
                return posix ? Files.createDirectory(dir, OWNER_ONLY) : Files.createDirectory(dir);
            } catch (FileAlreadyExistsException taken) {
                // another framework of this process took the name: the next one
            }
        }
    }

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a left-over directory is removed by a later start.
        }
    }

    static void removeOrphans(Path tmp) {
        try (Stream<Path> dirs = Files.list(tmp)) {
            dirs.filter(d -> ownerPid(d.getFileName().toString()) > 0)
                    .filter(d -> ProcessHandle.of(ownerPid(d.getFileName().toString())).isEmpty())
                    .forEach(StorageDirs::delete);
        } catch (IOException | UncheckedIOException e) {
            // Not being able to tidy up must not stop a start.
        }
    }

    /** The process id in {@code layerwise-felix-<pid>-<random>}, or -1. */
    static long ownerPid(String name) {
        if (!name.startsWith(PREFIX)) {
            return -1;
        }
        int end = name.indexOf('-', PREFIX.length());
        try {
            return end < 0 ? -1 : Long.parseLong(name.substring(PREFIX.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
