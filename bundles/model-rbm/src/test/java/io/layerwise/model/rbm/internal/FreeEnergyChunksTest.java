package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.layerwise.api.data.FloatMatrix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FreeEnergyChunksTest {

    /**
     * In kept chunks (2,500 rows: 1,000, 1,000 and 500), the free energies of the whole upload to the last bit, from
     * a matrix and from rows already on the backend; a second call makes no new chunk of rows.
     */
    @ParameterizedTest
    @EnumSource(VisibleUnits.class)
    void keptChunksGiveTheWholeMatrixsFreeEnergiesBitForBit(VisibleUnits units) {
        int n = 2500;
        int visible = 30;
        Random r = new Random(9);
        float[] v = new float[n * visible];
        for (int i = 0; i < v.length; i++) {
            v[i] = units == VisibleUnits.BERNOULLI ? (r.nextBoolean() ? 1f : 0f) : (float) r.nextGaussian();
        }
        FloatMatrix m = new FloatMatrix(n, visible, v);
        Map<List<Integer>, INDArray> rows = new HashMap<>();
        try (Rbm rbm = Rbm.initialise(visible, 20, units, 0.3, 5, DataType.FLOAT);
                INDArray all = Nd4j.create(v, new long[] {n, visible}, DataType.FLOAT);
                FreeEnergyChunks chunks = new FreeEnergyChunks(rbm, rows)) {
            double[] whole = new double[n];
            for (int from = 0; from < n; from += 1000) { // the chunks the whole upload was cut into before
                double[] f = rbm.freeEnergy(all.get(NDArrayIndex.interval(from, Math.min(from + 1000, n)),
                        NDArrayIndex.all()));
                System.arraycopy(f, 0, whole, from, f.length);
            }
            assertArrayEquals(whole, chunks.of(m));
            assertEquals(2, rows.size(), "chunks of 1,000 and 500 rows: " + rows.keySet());
            List<INDArray> kept = new ArrayList<>(rows.values());
            assertArrayEquals(whole, chunks.of(m), "a second call, in the kept arrays");
            assertArrayEquals(whole, chunks.of(all), "rows already on the backend");
            List<INDArray> after = new ArrayList<>(rows.values());
            for (int i = 0; i < kept.size(); i++) {
                assertSame(kept.get(i), after.get(i), "the same chunk arrays, not new ones");
            }
        } finally {
            rows.values().forEach(INDArray::close);
        }
    }
}
