package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.layerwise.api.data.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NdArraysTest {

    /** The bulk copy holds what ND4J's own value-by-value copy holds, bit for bit: -0.0, NaN, subnormals included. */
    @Test
    void uploadHoldsTheSameBitsAsNd4jsOwnCopy() {
        int rows = 37;
        int cols = 23;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * (i % 11 == 0 ? 1e-40f : 3f);
        }
        v[5] = -0.0f;
        v[6] = Float.NaN;
        v[7] = Float.NEGATIVE_INFINITY;
        FloatMatrix m = new FloatMatrix(rows, cols, v);
        try (INDArray fast = NdArrays.upload(m);
                INDArray plain = Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT)) {
            assertArrayEquals(plain.shape(), fast.shape());
            assertEquals('c', fast.ordering());
            float[] a = fast.data().asFloat();
            float[] b = plain.data().asFloat();
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), "value " + i);
            }
            assertEquals(v[rows * cols - 1], fast.getFloat(rows - 1, cols - 1));
        }
        try (INDArray empty = NdArrays.upload(new FloatMatrix(0, 4, new float[0]))) {
            assertArrayEquals(new long[] {0, 4}, empty.shape());
        }
    }
}
