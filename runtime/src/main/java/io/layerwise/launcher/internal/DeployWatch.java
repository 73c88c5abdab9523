package io.layerwise.launcher.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Names, once per version of the file, each jar in the watched folders that FileInstall skips silently because it is
 * no bundle ({@link JarCheck}). A version is the file's size and modification time; a jar is looked at once it kept
 * its version for one scan, so that a jar still being copied is not reported half-written.
 */
final class DeployWatch {
    /** A file's size and modification time. */
    record Version(long size, long modified) {
    }

    private final List<Path> dirs;
    private final Consumer<String> out;
    private final Map<Path, Version> seen = new HashMap<>();
    private final Map<Path, Version> looked = new HashMap<>();

    /** Watches {@code dirs} (not their subfolders); each report is one line to {@code out}. */
    DeployWatch(List<Path> dirs, Consumer<String> out) {
        this.dirs = List.copyOf(dirs);
        this.out = out;
    }

    /** One look at the folders: reports the jars that are no bundle and kept their version since the last look. */
    synchronized void scan() {
        Map<Path, Version> now = new HashMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        now.put(f, new Version(a.size(), a.lastModifiedTime().toMillis()));
                    }
                }
            } catch (IOException e) {
                // listed again at the next scan
            }
        }
        for (Map.Entry<Path, Version> e : now.entrySet()) {
            Path f = e.getKey();
            Version v = e.getValue();
            if (v.equals(seen.get(f)) && !v.equals(looked.get(f))) {
                looked.put(f, v);
                String why = JarCheck.whyNotABundle(f);
                if (why != null) {
                    out.accept(f + " is no bundle (" + why + "); ignored until the file changes");
                }
            }
        }
        looked.keySet().retainAll(now.keySet());
        seen.clear();
        seen.putAll(now);
    }
}
