package io.layerwise.backend.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The launcher's memory of which OpenBLAS kernels passed the self-test on this CPU: a properties file of
 * {@code key = pass | fail <why>}, keys chosen by the launcher (CPU signature and kernel). Written whole to a
 * temporary file and moved into place, so a reader never sees half a file; two processes writing at once may lose
 * one entry, which the next start measures again.
 */
final class BlasVerdicts {
    private BlasVerdicts() {
    }

    static void record(Path file, String key, String verdict) throws IOException {
        Properties p = read(file);
        if (verdict.equals(p.getProperty(key))) {
            return; // unchanged: the file (and its time, part of the launcher's key for its kernel choice) stays
        }
        p.setProperty(key, verdict);
        write(file, p, "OpenBLAS kernels checked by layerwise-backend's self-test on this machine");
    }

    /** The properties in {@code file}, none when there is no such file. */
    static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        return p;
    }

    /** {@code p} into {@code file}, whole to a temporary file first and then moved into place. */
    static void write(Path file, Properties p, String comment) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, comment);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
