package io.layerwise.data.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.data.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixFilesTest {
    @TempDir
    Path dir;

    @Test
    void csvWrittenReadsBackToTheSameFloats() throws Exception {
        FloatMatrix m = new FloatMatrix(2, 3, new float[] {1f / 3, -2.5e-12f, Float.MIN_VALUE, 7f, 0f, 0.1f});
        Path csv = dir.resolve("m.csv");
        MatrixFiles.writeCsv(m, csv);
        assertEquals(m, MatrixFiles.read(csv));
    }

    @Test
    void aHeaderLineIsSkipped() throws Exception {
        Path csv = dir.resolve("h.csv");
        Files.writeString(csv, "a,b\n1,2\n3,4\n");
        assertEquals(new FloatMatrix(2, 2, new float[] {1, 2, 3, 4}), MatrixFiles.read(csv));
    }

    @Test
    void aRaggedOrNonNumericRowIsNamedByLine() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "1,2\n3\n");
        assertEquals(csv + ": line 2 has 1 values, expected 2",
                assertThrows(IOException.class, () -> MatrixFiles.read(csv)).getMessage());
        Files.writeString(csv, "1,2\n3,x\n");
        assertEquals(csv + ": line 2, column 2: not a finite number: \"x\"",
                assertThrows(IOException.class, () -> MatrixFiles.read(csv)).getMessage());
    }

    @Test
    void idxImagesAreRecognisedByTheirMagicNumber() throws Exception {
        Path idx = dir.resolve("images");
        try (var out = new java.io.DataOutputStream(Files.newOutputStream(idx))) {
            out.writeInt(2051);
            out.writeInt(2);
            out.writeInt(1);
            out.writeInt(2);
            out.write(new byte[] {0, (byte) 255, (byte) 51, 0});
        }
        assertEquals(new FloatMatrix(2, 2, new float[] {0, 1, 0.2f, 0}), MatrixFiles.read(idx));
    }

    @Test
    void anIdxLabelsFileIsNamedAsLabelsNotReadAsText() throws Exception {
        Path idx = dir.resolve("labels");
        try (var out = new java.io.DataOutputStream(new java.util.zip.GZIPOutputStream(Files.newOutputStream(idx)))) {
            out.writeInt(2049);
            out.writeInt(2);
            out.write(new byte[] {3, 7});
        }
        assertEquals(idx + ": an IDX file with magic number 2049 (labels) at offset 0, not images (magic 2051); give IDX"
                + " images or CSV", assertThrows(IOException.class, () -> MatrixFiles.read(idx)).getMessage());
    }

    @Test
    void aBinaryFileThatIsNeitherIdxNorTextNamesTheLine() throws Exception {
        Path bin = dir.resolve("noise.bin");
        Files.write(bin, new byte[] {'1', ',', '2', '\n', (byte) 0xff, (byte) 0xfe, (byte) 0x80, '\n'});
        assertEquals(bin + ": line 2 is not UTF-8 text; expected IDX images (magic 2051) or CSV",
                assertThrows(IOException.class, () -> MatrixFiles.read(bin)).getMessage());
    }
}
