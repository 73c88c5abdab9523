package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.data.FloatMatrix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RowChunksTest {

    /** A stand-in for a model's work buffers: counts how many were made. */
    private static final class Buffers implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * Each chunk's action sees exactly its rows (2,500 rows: chunks of 1,000, 1,000 and 500), whole arrays of them,
     * and a second call with kept inputs and buffers makes nothing new: the same arrays and buffers are used again.
     */
    @Test
    void chunksHoldTheirRowsAndKeptOnesAreUsedAgain() {
        int rows = 2500;
        int cols = 7;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 3;
        }
        FloatMatrix m = new FloatMatrix(rows, cols, v);
        Map<Integer, Buffers> kept = new HashMap<>();
        Map<List<Integer>, INDArray> inputs = new HashMap<>();
        List<INDArray> seen = new ArrayList<>();
        RowChunks.Action<Buffers> check = (x, b, from) -> {
            assertFalse(x.isView(), "a whole array of the chunk's rows");
            assertEquals(cols, x.columns());
            for (int r = 0; r < x.rows(); r++) {
                for (int c = 0; c < cols; c++) {
                    assertEquals(v[(from + r) * cols + c], x.getFloat(r, c), "row " + (from + r) + " column " + c);
                }
            }
            seen.add(x);
            return x.sumNumber().doubleValue();
        };
        double first = RowChunks.sum(m, kept, inputs, n -> new Buffers(), check);
        assertEquals(2, inputs.size(), "chunks of 1,000 rows and one of 500: " + inputs.keySet());
        assertEquals(2, kept.size());
        Map<Integer, Buffers> keptBefore = new HashMap<>(kept);
        List<INDArray> firstArrays = List.copyOf(seen);
        seen.clear();
        double second = RowChunks.sum(m, kept, inputs, n -> {
            throw new AssertionError("buffers made again for " + n + " rows");
        }, check);
        assertEquals(first, second, 0.0);
        for (int i = 0; i < seen.size(); i++) {
            assertSame(firstArrays.get(i), seen.get(i), "chunk " + i + " in the kept array");
        }
        keptBefore.forEach((n, b) -> assertSame(b, kept.get(n)));
        double total = 0;
        for (float x : v) {
            total += x;
        }
        assertEquals(total, first, 1e-4 * Math.abs(total)); // float32 sums of each chunk
        inputs.values().forEach(INDArray::close);
    }

    /** Without kept buffers, every buffer made is closed when the call returns. */
    @Test
    void buffersMadeForOneCallAreClosedByIt() {
        List<Buffers> made = new ArrayList<>();
        RowChunks.sum(new FloatMatrix(1200, 3, new float[3600]), n -> {
            Buffers b = new Buffers();
            made.add(b);
            return b;
        }, (x, b, from) -> 0);
        assertEquals(2, made.size());
        made.forEach(b -> assertEquals(true, b.closed));
    }

    @Test
    void putRefusesAView() {
        try (INDArray a = Nd4j.zeros(4, 3)) {
            INDArray row = a.getRow(1);
            assertThrows(IllegalArgumentException.class, () -> NdArrays.put(row, new float[3], 0));
        }
    }
}
