package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataSourceTest {
    @TempDir
    Path tmp;

    private Dataset load(Map<String, Object> fields) throws IOException {
        Spec spec = new Spec("data", new HashMap<>(fields));
        Dataset d = new CsvDataSource(tmp).load(spec);
        spec.rejectUnknownFields();
        return d;
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void textLabelsAreClassesInSortedOrderAndAHeldOutFileReadsAlike() throws IOException {
        write("train.csv", "x,y,kind\n0,10,dog\n1,20,cat\n2,30,dog\n");
        write("test.csv", "x,y,kind\n5,50,cat\n");
        Dataset d = load(Map.of("train", "train.csv", "test", "test.csv", "header", true, "label", "kind"));
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, d.trainLabels());
        assertArrayEquals(new int[] {0}, d.testLabels());
        assertEquals(Dataset.REAL, d.valueRange());
        assertArrayEquals(new float[] {5, 50}, d.test().data());
        write("test.csv", "x,y,kind\n5,50,cat\n6,60,bird\n");
        String m = assertThrows(IOException.class, () -> load(Map.of("train", "train.csv", "test", "test.csv",
                "header", true, "label", "kind"))).getMessage();
        assertTrue(m.endsWith("test.csv: line 3: label \"bird\" is not a class of the training rows ([cat, dog])"), m);
    }

    @Test
    void wholeNumberLabelsAreClassesAndOtherNumbersAContinuousLabel() throws IOException {
        write("a.csv", "3,0.5\n0,0.25\n");
        Dataset classes = load(Map.of("train", "a.csv", "label", 0));
        assertArrayEquals(new int[] {3, 0}, classes.trainLabels());
        assertNull(classes.targets());
        assertNull(classes.classNames());
        write("b.csv", "3.5,0.5\n0,0.25\n");
        Dataset values = load(Map.of("train", "b.csv", "label", 0));
        assertNull(values.trainLabels());
        assertEquals("label", values.targets().name());
        assertArrayEquals(new float[] {3.5f, 0}, values.targets().train());
        assertEquals(Dataset.UNIT, values.valueRange());
    }

    /** Statistics from the training rows only; held-out rows clipped under min-max, so the range stays [0, 1]. */
    @Test
    void scalingIsFittedOnTheTrainingRowsAndAppliedToBoth() throws IOException {
        write("train.csv", "0,10\n2,10\n4,10\n");
        write("test.csv", "6,10\n1,10\n");
        Dataset mm = load(Map.of("train", "train.csv", "test", "test.csv", "scale", "min-max"));
        assertArrayEquals(new float[] {0, 0, 0.5f, 0, 1, 0}, mm.train().data());
        assertArrayEquals(new float[] {1, 0, 0.25f, 0}, mm.test().data());
        assertEquals(Dataset.UNIT, mm.valueRange());
        assertEquals("min-max", mm.scaling().kind());
        Dataset sd = load(Map.of("train", "train.csv", "test", "test.csv", "scale", "standardize"));
        float s = (float) Math.sqrt(8 / 3.0);
        assertArrayEquals(new float[] {-2 / s, 0, 0, 0, 2 / s, 0}, sd.train().data(), 1e-6f);
        assertArrayEquals(new float[] {4 / s, 0, -1 / s, 0}, sd.test().data(), 1e-6f);
        assertEquals(Dataset.REAL, sd.valueRange());
    }

    @Test
    void aHeldOutShareIsSeededAndKeepsTheFilesOrder() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append(i).append(',').append(i % 3).append('\n');
        }
        write("all.csv", sb.toString());
        Dataset a = load(Map.of("train", "all.csv", "testFraction", 0.2, "seed", 7, "label", 1));
        Dataset b = load(Map.of("train", "all.csv", "testFraction", 0.2, "seed", 7, "label", 1));
        Dataset c = load(Map.of("train", "all.csv", "testFraction", 0.2, "seed", 8, "label", 1));
        assertEquals(80, a.train().rows());
        assertEquals(20, a.test().rows());
        assertArrayEquals(a.test().data(), b.test().data());
        assertTrue(!java.util.Arrays.equals(a.test().data(), c.test().data()), "another seed, other rows");
        for (int i = 1; i < 20; i++) {
            assertTrue(a.test().data()[i] > a.test().data()[i - 1], "file order");
        }
        for (int i = 0; i < 20; i++) {
            assertEquals((int) a.test().data()[i] % 3, a.testLabels()[i], "labels travel with their rows");
        }
    }

    @Test
    void aShapeMustHoldTheRowAndTheSpecIsCheckedBeforeAnyFileIsRead() throws IOException {
        write("img.csv", "1,2,3,4\n");
        assertArrayEquals(new int[] {1, 2, 2}, load(Map.of("train", "img.csv", "shape", List.of(1, 2, 2))).sampleShape());
        SpecException e = assertThrows(SpecException.class, () -> load(Map.of("train", "img.csv", "shape", List.of(1, 3, 2))));
        assertTrue(e.getMessage().startsWith("data.shape [1, 3, 2] holds 6 values, but the rows of"), e.getMessage());
        CsvDataSource source = new CsvDataSource(tmp);
        assertThrows(SpecException.class, () -> source.validate(new Spec("data", Map.of("test", "x.csv"))));
        assertTrue(assertThrows(SpecException.class, () -> source.validate(new Spec("data", Map.of("train", "x.csv",
                "label", "kind")))).getMessage().contains("data.label names a column (\"kind\") but data.header is not true"));
        assertTrue(assertThrows(SpecException.class, () -> source.validate(new Spec("data", Map.of("train", "x.csv",
                "delimiter", ";;")))).getMessage().startsWith("data.delimiter must be one ASCII character"));
        assertTrue(assertThrows(SpecException.class, () -> source.validate(new Spec("data", Map.of("train", "x.csv",
                "test", "y.csv", "testFraction", 0.1)))).getMessage().startsWith("data.testFraction cannot be given with"));
        assertTrue(assertThrows(SpecException.class, () -> source.validate(new Spec("data", Map.of("train", "x.csv",
                "scale", "log")))).getMessage().startsWith("data.scale must be one of"));
    }

    @Test
    void tabsAndSemicolonsDelimit() throws IOException {
        write("t.tsv", "1\t2\n3\t4\n");
        assertArrayEquals(new float[] {1, 2, 3, 4}, load(Map.of("train", "t.tsv", "delimiter", "tab")).train().data());
        write("s.csv", "1;2\n");
        assertArrayEquals(new float[] {1, 2}, load(Map.of("train", "s.csv", "delimiter", ";")).train().data());
    }
}
