package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path tmp;

    private Path file(String text) throws IOException {
        Path f = tmp.resolve("t" + System.nanoTime() + ".csv");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private CsvReader.Table read(String text, boolean header, CsvReader.LabelColumn label) throws IOException {
        return CsvReader.read(file(text), ',', header, label);
    }

    private String error(String text, boolean header, CsvReader.LabelColumn label) {
        return assertThrows(IOException.class, () -> read(text, header, label)).getMessage();
    }

    /** The fast path gives the float Float.parseFloat gives, to the bit, for every form a CSV export writes. */
    @Test
    void numbersParseToTheSameFloatAsFloatParseFloat() {
        Random r = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            String text = switch (i % 6) {
                case 0 -> Float.toString(r.nextFloat());
                case 1 -> String.format(java.util.Locale.ROOT, "%.6f", (r.nextFloat() - 0.5) * 2000);
                case 2 -> Integer.toString(r.nextInt(1 << 25) - (1 << 24));
                case 3 -> String.format(java.util.Locale.ROOT, "%.4e", r.nextGaussian() * Math.pow(10, r.nextInt(16) - 8));
                case 4 -> Double.toString(r.nextDouble() * 255);
                default -> String.format(java.util.Locale.ROOT, "%.3f", r.nextFloat() * 10);
            };
            byte[] b = (" " + text + " ").getBytes(StandardCharsets.US_ASCII);
            float fast = CsvCells.parse(b, 0, b.length);
            if (!Float.isNaN(fast)) {
                assertEquals(Float.floatToIntBits(Float.parseFloat(text)), Float.floatToIntBits(fast), text);
            }
        }
        byte[] b = "0.1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0.1f, CsvCells.parse(b, 0, 3), 0f, "the common case takes the fast path");
        for (String notFast : new String[] {"", "-", ".", "1e", "NaN", "Infinity", "0x1p3", "1.2.3", "\"1\"", "1,5"}) {
            byte[] c = notFast.getBytes(StandardCharsets.US_ASCII);
            assertTrue(Float.isNaN(CsvCells.parse(c, 0, c.length)), notFast);
        }
    }

    @Test
    void readsRowsWithHeaderQuotesByteOrderMarkCrLfAndBlankLines() throws IOException {
        CsvReader.Table t = read("\uFEFFa,\"b, the second\",label\r\n1,2,cat\r\n\r\n\"3\",4.5e1,\"d\"\"og\"\r\n  \n-5, 6 ,cat",
                true, new CsvReader.LabelColumn("label", -1));
        assertEquals(List.of("a", "b, the second", "label"), t.header());
        assertEquals(3, t.rows());
        assertEquals(2, t.cols());
        assertArrayEquals(new float[] {1, 2, 3, 45, -5, 6}, t.values());
        assertArrayEquals(new String[] {"cat", "d\"og", "cat"}, t.labels());
        assertArrayEquals(new int[] {2, 4, 6}, t.lines());
        assertEquals(2, t.labelColumn());
    }

    @Test
    void theLabelMayBeAnyColumnByIndexWithoutAHeader() throws IOException {
        CsvReader.Table t = read("7,0.5,0.25\n3,1,2\n", false, new CsvReader.LabelColumn(null, 0));
        assertArrayEquals(new float[] {0.5f, 0.25f, 1, 2}, t.values());
        assertArrayEquals(new String[] {"7", "3"}, t.labels());
        CsvReader.Table semicolons = CsvReader.read(file("1;2\n3;4\n"), ';', false, CsvReader.LabelColumn.NONE);
        assertNull(semicolons.header());
        assertArrayEquals(new float[] {1, 2, 3, 4}, semicolons.values());
    }

    @Test
    void linesLongerThanTheBufferAreRead() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 300_000; c++) {
                sb.append(c == 0 ? "" : ",").append(c % 7);
            }
            sb.append('\n');
        }
        CsvReader.Table t = read(sb.toString(), false, CsvReader.LabelColumn.NONE);
        assertEquals(3, t.rows());
        assertEquals(300_000, t.cols());
        assertEquals(6f, t.values()[2 * 300_000 + 6]);
    }

    @Test
    void defectsNameTheFileLineAndColumn() {
        assertTrue(error("1,2\n3,4,5\n", false, CsvReader.LabelColumn.NONE)
                .endsWith(": line 2 has 3 columns, expected 2 (as the first row)"));
        assertTrue(error("a,b\n1,2\n3\n", true, CsvReader.LabelColumn.NONE)
                .endsWith(": line 3 has 1 columns, expected 2 (as the header)"));
        assertTrue(error("a,b\n1,x\n", true, CsvReader.LabelColumn.NONE)
                .endsWith(": line 2, column 2 (\"b\"): not a finite number: \"x\""));
        assertTrue(error("1,NaN\n", false, CsvReader.LabelColumn.NONE).contains("line 1, column 2: not a finite number: \"NaN\""));
        assertTrue(error("1,2\n1,-Infinity\n", false, CsvReader.LabelColumn.NONE)
                .contains("line 2, column 2: not a finite number: \"-Infinity\""));
        assertTrue(error("1,,3\n", false, CsvReader.LabelColumn.NONE).contains("line 1, column 2: empty cell"));
        assertTrue(error("x,y\n1,2\n", false, CsvReader.LabelColumn.NONE).contains("(if this line is a header, set header: true)"));
        assertTrue(error("", false, CsvReader.LabelColumn.NONE).endsWith(": empty file"));
        assertTrue(error("a,b\n\n", true, CsvReader.LabelColumn.NONE).endsWith(": no rows of data after the header"));
        assertTrue(error("a,b\n1,2\n", true, new CsvReader.LabelColumn("c", -1))
                .contains("line 1: the header has no column \"c\" for the label; it has [a, b]"));
        assertTrue(error("1,2\n", false, new CsvReader.LabelColumn(null, 5)).contains("so there is no label column 5"));
        assertTrue(error("1,\"2\n", false, CsvReader.LabelColumn.NONE).contains("line 1, column 2: a quote that is not closed"));
        assertTrue(error("1,2\n,3\n", false, new CsvReader.LabelColumn(null, 0)).contains("line 2, column 1: empty label"));
        assertTrue(error("5\n", false, new CsvReader.LabelColumn(null, 0)).contains("no feature columns besides the label"));
    }

    @Test
    void aFileThatIsNotThereIsNamed() {
        Path missing = tmp.resolve("missing.csv");
        assertEquals(missing + ": no such file", assertThrows(IOException.class,
                () -> CsvReader.read(missing, ',', false, CsvReader.LabelColumn.NONE)).getMessage());
    }
}
