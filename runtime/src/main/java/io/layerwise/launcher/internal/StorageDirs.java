package io.layerwise.launcher.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One fresh framework storage directory per process, so that several Layerwise processes can run
 * side by side. The name carries the process id; directories of processes that died without cleaning
 * up are removed by the next start.
 */
public final class StorageDirs {

    static final String PREFIX = "layerwise-felix-";

    private StorageDirs() {
    }

    public static Path create(Path tmp) throws IOException {
        removeOrphans(tmp);
        return Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
    }

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
