package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlasVerdictsTest {

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void aNewVerdictIsAddedBesideTheOthers(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cache/blas-verdicts.properties");
        BlasVerdicts.record(file, "cpu-1.openblas-0.3.21.Haswell", "pass");
        BlasVerdicts.record(file, "cpu-1.openblas-0.3.21.Cooperlake", "fail wrong: dgemm");
        Properties p = read(file);
        assertEquals("pass", p.getProperty("cpu-1.openblas-0.3.21.Haswell"));
        assertEquals("fail wrong: dgemm", p.getProperty("cpu-1.openblas-0.3.21.Cooperlake"));
    }

    /** The launcher keeps its kernel choice while the file's time holds: a start that learns nothing leaves it. */
    @Test
    void theSameVerdictAgainLeavesTheFileUntouched(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("blas-verdicts.properties");
        BlasVerdicts.record(file, "cpu-1.openblas-0.3.21.Haswell", "pass");
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, old);
        BlasVerdicts.record(file, "cpu-1.openblas-0.3.21.Haswell", "pass");
        assertEquals(old, Files.getLastModifiedTime(file));
        BlasVerdicts.record(file, "cpu-1.openblas-0.3.21.Haswell", "fail wrong: dsyevd");
        assertEquals("fail wrong: dsyevd", read(file).getProperty("cpu-1.openblas-0.3.21.Haswell"));
    }
}
