package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data.scale: "symmetric"}: pixels p / 255 become 2 p / 255 - 1, recorded as the dataset's scaling. */
class MnistSymmetricScaleTest {
    @TempDir
    Path tmp;

    private MnistDataSource source() {
        return new MnistDataSource(tmp, tmp, new NpmMnistFetcher(List.of("/nonexistent/npm"), Duration.ofSeconds(1),
                line -> { throw new AssertionError("unexpected fetch: " + line); }));
    }

    @Test
    void symmetricScaleMapsPixelsToMinusOneToOneAndRecordsTheScaling() throws IOException {
        Path dir = tmp.resolve("d");
        java.nio.file.Files.createDirectories(dir);
        // 2 train and 1 test images of 2x2 with pixels 0, 51, 255, 128
        byte[] px = {0, 51, (byte) 255, (byte) 128, 0, 51, (byte) 255, (byte) 128};
        IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte"), px, 2, 2, 2);
        IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte"), new byte[] {1, 2});
        IdxWriter.writeImages(dir.resolve("t10k-images-idx3-ubyte"), java.util.Arrays.copyOf(px, 4), 1, 2, 2);
        IdxWriter.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {3});
        Dataset unit = source().load(new Spec("data", Map.of("dir", dir.toString())));
        Dataset sym = source().load(new Spec("data", Map.of("dir", dir.toString(), "scale", "symmetric")));
        assertEquals(Dataset.UNIT, unit.valueRange());
        assertEquals(Dataset.REAL, sym.valueRange());
        float[] u = unit.train().data();
        float[] s = sym.train().data();
        for (int i = 0; i < u.length; i++) {
            assertEquals(2 * u[i] - 1, s[i], 1e-6f, "pixel " + i);
        }
        assertEquals(-1f, s[0]);
        assertEquals(1f, s[2]);
        assertEquals(2 * unit.test().data()[1] - 1, sym.test().data()[1], 1e-6f);
        assertArrayEquals(new int[] {1, 2, 2}, sym.sampleShape());
        assertEquals("symmetric", sym.scaling().kind());
        assertArrayEquals(s, sym.scaling().apply(unit.train()).data());
        assertTrue(sym.description().contains("[-1, 1]"));
    }

    @Test
    void anUnknownScaleIsNamedByItsPath() {
        SpecException e = assertThrows(SpecException.class,
                () -> source().validate(new Spec("data", Map.of("scale", "zero-one"))));
        assertEquals("data.scale", e.path());
    }
}
