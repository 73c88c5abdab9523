package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

    /** Row {@code r} holds {@code r} in both columns, so the rows of a split say where they came from. */
    private static FloatMatrix numbered(int rows) {
        float[] v = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            v[2 * r] = r;
            v[2 * r + 1] = r;
        }
        return new FloatMatrix(rows, 2, v);
    }

    private static int[] ids(FloatMatrix m) {
        int[] out = new int[m.rows()];
        for (int r = 0; r < m.rows(); r++) {
            out[r] = (int) m.get(r, 0);
        }
        return out;
    }

    @Test
    void theSameSeedHoldsOutTheSameRowsAndAnotherSeedOthers() {
        ValidationSplit v = new ValidationSplit(0.1, false);
        FloatMatrix x = numbered(1000);
        ValidationSplit.Rows a = v.split(x, null, 42);
        ValidationSplit.Rows b = v.split(x, null, 42);
        assertEquals(a, b);
        assertEquals(100, a.val().rows());
        assertEquals(900, a.train().rows());
        assertNotEquals(a.val(), v.split(x, null, 43).val());
    }

    @Test
    void theRowsArePartitionedAndTrainingRowsKeepTheirOrder() {
        ValidationSplit.Rows s = new ValidationSplit(0.25, false).split(numbered(400), null, 7);
        int[] train = ids(s.train());
        int[] val = ids(s.val());
        int[] sortedTrain = train.clone();
        Arrays.sort(sortedTrain);
        assertArrayEquals(sortedTrain, train, "file order, so minibatches stay as without validation");
        Set<Integer> all = new HashSet<>();
        Arrays.stream(train).forEach(all::add);
        Arrays.stream(val).forEach(all::add);
        assertEquals(400, all.size(), "every row once, in one part or the other");
        assertTrue(val[val.length - 1] - val[0] > 200, "drawn from the whole file, not a block: " + Arrays.toString(val));
    }

    @Test
    void heldOutRowsAreAUniformDraw() {
        int[] counts = new int[10];
        for (long seed = 0; seed < 2000; seed++) {
            for (int r : ValidationSplit.heldOutRows(10, 3, seed)) {
                counts[r]++;
            }
        }
        for (int c : counts) {
            assertEquals(600, c, 75, Arrays.toString(counts)); // 2000 * 3/10; sd about 20
        }
    }

    @Test
    void testMeansTheTestRowsAndNoneKeepsEveryRow() {
        FloatMatrix x = numbered(10);
        FloatMatrix t = numbered(4);
        ValidationSplit.Rows s = new ValidationSplit(0, true).split(x, t, 1);
        assertSame(x, s.train());
        assertSame(t, s.val());
        ValidationSplit.Rows none = ValidationSplit.NONE.split(x, t, 1);
        assertSame(x, none.train());
        assertEquals(0, none.val().rows());
    }

    @Test
    void readsAFractionOrTestAndNamesTheJsonPathOfAnythingElse() {
        assertEquals(new ValidationSplit(0.2, false), ValidationSplit.read(new Spec("t", Map.of("validation", 0.2))));
        assertEquals(new ValidationSplit(0, true), ValidationSplit.read(new Spec("t", Map.of("validation", "test"))));
        assertEquals(ValidationSplit.NONE, ValidationSplit.read(new Spec("t", Map.of())));
        for (Object bad : new Object[] {0.6, -0.1, "train", true, Map.of("fraction", 0.1)}) {
            SpecException e = assertThrows(SpecException.class,
                    () -> ValidationSplit.read(new Spec("stages[2].train", Map.of("validation", bad))));
            assertTrue(e.getMessage().startsWith("stages[2].train.validation must be a fraction of the training rows in"
                    + " [0, 0.5] or \"test\", got "), e.getMessage());
        }
    }
}
