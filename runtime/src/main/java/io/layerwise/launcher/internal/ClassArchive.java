package io.layerwise.launcher.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The class-data archive runtime/layerwise started this JVM with ({@code -XX:SharedArchiveFile}, named again in
 * {@link #PROPERTY}), and whether the JVM took it. A JVM that rejects an archive (damaged, made for other jars or for
 * another JVM) starts without it and, with the script's {@code -Xlog:cds*=off}, says nothing; a mapped archive shows
 * in {@code /proc/self/maps}, so that is where this looks. A rejected archive is deleted, so that the next start writes
 * a new one.
 */
public final class ClassArchive {
    /** System property: the archive's path, set by runtime/layerwise beside {@code -XX:SharedArchiveFile}. */
    public static final String PROPERTY = "layerwise.cds.archive";
    /**
     * System property, set by runtime/layerwise beside {@code -XX:ArchiveClassesAtExit}: the file {@link #markStarted}
     * creates once the framework is up. The script adopts the archive a start wrote only with it: a start that ended
     * before (a bad option, a missing file) loaded a few hundred classes, and its archive would have slowed every start
     * after (a prompt at 0.95 s instead of 0.88 s with a 360 KB archive against 27 MB).
     */
    public static final String STARTED_PROPERTY = "layerwise.cds.started";

    private ClassArchive() {
    }

    /**
     * The one-line note for an archive the JVM did not map, after deleting it; empty when it was used, when none was
     * given, or where /proc cannot tell.
     */
    public static Optional<String> checkInUse(String archive, Path maps) {
        if (archive == null || archive.isBlank()) {
            return Optional.empty();
        }
        String mapped;
        try {
            mapped = Files.readString(maps);
        } catch (IOException e) {
            return Optional.empty();
        }
        Path file = Path.of(archive);
        try { // the kernel names a mapped file by its real path
            if (mapped.contains(file.toRealPath().toString())) {
                return Optional.empty();
            }
        } catch (IOException gone) {
            return Optional.empty(); // deleted meanwhile (by a start beside this one): nothing to say
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            return Optional.of("class-data archive " + archive + " not used (damaged, or made for other jars or "
                    + "another JVM) and cannot be deleted (" + e.getMessage() + "): starting without it");
        }
        return Optional.of("class-data archive " + archive + " not used (damaged, or made for other jars or "
                + "another JVM): started without it, and deleted it; the next start writes a new one");
    }

    /** Creates {@code marker} (the {@link #STARTED_PROPERTY}), if one is named; a failure only costs the archive. */
    public static void markStarted(String marker) {
        if (marker == null || marker.isBlank()) {
            return;
        }
        try {
            Files.write(Path.of(marker), new byte[0]);
        } catch (IOException | RuntimeException e) {
            // the archive is then not adopted and the next start writes one: slower, never wrong
        }
    }
}
