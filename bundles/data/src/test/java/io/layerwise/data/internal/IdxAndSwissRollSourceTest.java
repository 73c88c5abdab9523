package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxAndSwissRollSourceTest {
    @TempDir
    Path tmp;

    /** An IDX file of float32 with the given dimensions. */
    private Path floats(String name, int[] dims, float[] values) throws IOException {
        Path f = tmp.resolve(name);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(f))) {
            out.writeInt(0x0D00 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            for (float v : values) {
                out.writeFloat(v);
            }
        }
        return f;
    }

    private Dataset idx(Map<String, Object> fields) throws IOException {
        return new IdxDataSource(tmp).load(new Spec("data", new HashMap<>(fields)));
    }

    @Test
    void float32ImagesWithChannelsKeepTheirValuesAndShape() throws IOException {
        floats("x", new int[] {2, 2, 1, 2}, new float[] {0.5f, -1, 2, 3, 4, 5, 6, 7});
        IdxWriter.writeLabels(tmp.resolve("y"), new byte[] {1, 0});
        Dataset d = idx(Map.of("trainImages", "x", "trainLabels", "y"));
        assertArrayEquals(new float[] {0.5f, -1, 2, 3, 4, 5, 6, 7}, d.train().data());
        assertArrayEquals(new int[] {2, 1, 2}, d.sampleShape());
        assertArrayEquals(new int[] {1, 0}, d.trainLabels());
        assertEquals(Dataset.REAL, d.valueRange());
        assertNull(d.test());
    }

    @Test
    void byteImagesReadAsMnistDoes() throws IOException {
        IdxWriter.writeImages(tmp.resolve("train"), new byte[] {0, (byte) 255, 51, 102}, 1, 2, 2);
        IdxWriter.writeImages(tmp.resolve("test"), new byte[] {(byte) 255, 0, 0, 0}, 1, 2, 2);
        Dataset d = idx(Map.of("trainImages", "train", "testImages", "test"));
        assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f}, d.train().data());
        assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape());
        assertEquals(Dataset.UNIT, d.valueRange());
    }

    @Test
    void defectsNameTheFile() throws IOException {
        floats("x", new int[] {2, 2}, new float[] {1, 2, 3, Float.NaN});
        assertTrue(assertThrows(IOException.class, () -> idx(Map.of("trainImages", "x"))).getMessage()
                .endsWith("x: value NaN at offset 24 (record 1) is not finite"));
        floats("x", new int[] {2, 2}, new float[] {1, 2, 3, 4});
        floats("t", new int[] {1, 3}, new float[] {1, 2, 3});
        assertTrue(assertThrows(IOException.class, () -> idx(Map.of("trainImages", "x", "testImages", "t")))
                .getMessage().contains("t: records are 3 but"));
        IdxWriter.writeLabels(tmp.resolve("y"), new byte[] {1, 0, 1});
        assertTrue(assertThrows(IOException.class, () -> idx(Map.of("trainImages", "x", "trainLabels", "y")))
                .getMessage().contains("y: holds 3 labels but"));
        Files.write(tmp.resolve("i32"), new byte[] {0, 0, 0x0C, 1, 0, 0, 0, 0});
        assertTrue(assertThrows(IOException.class, () -> idx(Map.of("trainImages", "i32"))).getMessage()
                .contains("IDX type code 0xc at offset 2 is not supported"));
    }

    @Test
    void theSwissRollIsSeededAndItsLabelIsThePositionAlongTheRoll() {
        SwissRollDataSource source = new SwissRollDataSource();
        Dataset a = source.load(new Spec("data", Map.of("n", 1000, "test", 200, "seed", 3)));
        Dataset b = source.load(new Spec("data", Map.of("n", 1000, "test", 200, "seed", 3)));
        assertArrayEquals(a.train().data(), b.train().data());
        assertEquals(3, a.train().cols());
        assertEquals(200, a.test().rows());
        assertEquals("t", a.targets().name());
        float[] x = a.train().data();
        for (int i = 0; i < 1000; i++) {
            float t = a.targets().train()[i];
            assertTrue(t >= 1.5 * Math.PI && t <= 4.5 * Math.PI, "t " + t);
            assertEquals(t * Math.cos(t), x[3 * i], 1e-4); // no noise: exactly on the sheet
            assertEquals(t * Math.sin(t), x[3 * i + 2], 1e-4);
            assertTrue(x[3 * i + 1] >= 0 && x[3 * i + 1] <= 21);
        }
        Dataset holed = source.load(new Spec("data", Map.of("n", 2000, "hole", true)));
        for (int i = 0; i < 2000; i++) {
            float t = holed.targets().train()[i];
            float y = holed.train().data()[3 * i + 1];
            boolean centre = t > 2.5 * Math.PI && t < 3.5 * Math.PI && y > 7 && y < 14;
            assertTrue(!centre, "a point in the hole: t " + t + ", y " + y);
        }
    }
}
