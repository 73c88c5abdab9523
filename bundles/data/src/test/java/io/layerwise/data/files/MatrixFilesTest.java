package io.layerwise.data.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aByteOrderMarkIsRemovedAndTheFirstRowKept() throws Exception {
        Path csv = dir.resolve("bom.csv");
        Files.write(csv, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '1', ',', '2', '\n', '3', ',', '4', '\n', '5', ',',
            '6', '\n'});
        assertEquals(new FloatMatrix(3, 2, new float[] {1, 2, 3, 4, 5, 6}), MatrixFiles.read(csv));
    }

    @Test
    void aFirstCellWithAPlusSignIsANumber() throws Exception {
        Path csv = dir.resolve("plus.csv");
        Files.writeString(csv, "+0.5,1\n2,3\n4,5\n");
        assertEquals(new FloatMatrix(3, 2, new float[] {0.5f, 1, 2, 3, 4, 5}), MatrixFiles.read(csv));
    }

    @Test
    void nanOrInfinityInTheFirstRowIsNonFiniteDataNamedByLineAndColumnNotAHeader() throws Exception {
        Path csv = dir.resolve("nan.csv");
        for (String cell : new String[] {"NaN", "Infinity", "-Infinity"}) {
            Files.writeString(csv, cell + ",1\n2,3\n4,5\n");
            assertEquals(csv + ": line 1, column 1: not a finite number: \"" + cell + "\"",
                    assertThrows(IOException.class, () -> MatrixFiles.read(csv)).getMessage());
        }
        Files.writeString(csv, "\ufeffNaN,1\n2,3\n");
        assertEquals(csv + ": line 1, column 1: not a finite number: \"NaN\"",
                assertThrows(IOException.class, () -> MatrixFiles.read(csv)).getMessage(), "the mark removed first");
    }

    @Test
    void aTextFirstRowWithoutHeaderIsAnErrorNamingLineAndColumnAndSuggestingTheFlag() throws Exception {
        Path csv = dir.resolve("h.csv");
        Files.writeString(csv, "1,b\n1,2\n3,4\n");
        assertEquals(csv + ": line 1, column 2: not a finite number: \"b\"; if line 1 is a header, give --header",
                assertThrows(IOException.class, () -> MatrixFiles.read(csv)).getMessage());
    }

    @Test
    void withHeaderTheFirstLineIsSkippedWhateverItHoldsAndTheResultSaysSo() throws Exception {
        Path csv = dir.resolve("h.csv");
        Files.writeString(csv, "\ufeffa,b\n1,2\n3,4\n");
        MatrixInput in = MatrixFiles.read(csv, true);
        assertEquals(new FloatMatrix(2, 2, new float[] {1, 2, 3, 4}), in.matrix());
        assertEquals(1, in.headerLine());
        assertTrue(in.byteOrderMark());
        assertEquals(csv + ": CSV, 2 rows of 2 values, header line 1 skipped (--header), UTF-8 byte-order mark removed",
                in.describe());
        Files.writeString(csv, "0,1\n1,2\n3,4\n"); // pandas' column names of an unnamed frame
        assertEquals(new FloatMatrix(2, 2, new float[] {1, 2, 3, 4}), MatrixFiles.read(csv, true).matrix());
    }

    @Test
    void withoutHeaderTheResultSaysTheFirstLineIsData() throws Exception {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "+0.5,1\n2,3\n");
        MatrixInput in = MatrixFiles.read(csv, false);
        assertEquals(0, in.headerLine());
        assertEquals(csv + ": CSV, 2 rows of 2 values, no header line (the first line is data)", in.describe());
    }

    @Test
    void aFirstLineCountingUpFromZeroIsReadAsDataWithANoteAboutPandasColumnNames() throws Exception {
        Path csv = dir.resolve("p.csv");
        Files.writeString(csv, "0,1,2\n1,2,3\n");
        MatrixInput in = MatrixFiles.read(csv, false);
        assertEquals(2, in.matrix().rows(), "read as data, as asked");
        assertEquals("line 1 reads 0, 1, ..., 2 like the column names pandas writes; if it is a header, give --header",
                in.note());
        assertTrue(in.describe().endsWith("; " + in.note()), in.describe());
    }

    @Test
    void aHeaderAloneOrAHeaderOnIdxImagesIsAnError() throws Exception {
        Path csv = dir.resolve("only.csv");
        Files.writeString(csv, "a,b\n\n");
        assertEquals(csv + ": no rows of numbers after the header line 1 (expected IDX images or CSV)",
                assertThrows(IOException.class, () -> MatrixFiles.read(csv, true)).getMessage());
        Files.writeString(csv, "a,b\n1,2,3\n");
        assertEquals(csv + ": line 2 has 3 values, expected 2 (the header, line 1, has 2)",
                assertThrows(IOException.class, () -> MatrixFiles.read(csv, true)).getMessage());
        Path idx = dir.resolve("images");
        try (var out = new java.io.DataOutputStream(Files.newOutputStream(idx))) {
            out.writeInt(2051);
            out.writeInt(1);
            out.writeInt(1);
            out.writeInt(1);
            out.write(0);
        }
        assertEquals(idx + ": IDX images have no header line; --header is for CSV input",
                assertThrows(IOException.class, () -> MatrixFiles.read(idx, true)).getMessage());
        assertEquals(idx + ": IDX images, 1 of 1 pixels", MatrixFiles.read(idx, false).describe());
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
