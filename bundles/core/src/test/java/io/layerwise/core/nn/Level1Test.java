package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class Level1Test {

    /**
     * Equal values at 16 different addresses give one sum, to the bit. OpenBLAS's sasum failed this under the
     * Haswell and SkylakeX kernels (one ulp apart), which made a held-out loss differ between two calls.
     */
    @Test
    void sumIsTheSameWhereverTheValuesLie() {
        for (int n : new int[] {7, 1200, 5000, 100_352}) {
            float[] values = new float[n];
            Random r = new Random(n);
            double exact = 0;
            for (int i = 0; i < n; i++) {
                values[i] = r.nextFloat();
                exact += values[i];
            }
            double first = Double.NaN;
            for (int offset = 0; offset < 16; offset++) {
                INDArray base = Nd4j.zeros(DataType.FLOAT, n + 16);
                INDArray view = base.get(NDArrayIndex.interval(offset, offset + n));
                view.assign(Nd4j.createFromArray(values));
                double sum = Level1.sum(view);
                if (offset == 0) {
                    first = sum;
                    assertEquals(exact, sum, 1e-6 * exact, "n=" + n);
                }
                assertEquals(first, sum, 0.0, "n=" + n + ", offset " + offset);
            }
        }
    }

    @Test
    void sumOfAMatrixIsTheSumOfAllItsElements() {
        INDArray m = Nd4j.createFromArray(new float[][] {{1, -2, 3}, {4, 5, -6}});
        assertEquals(5.0, Level1.sum(m), 0.0);
        assertEquals(5.0, Level1.sum(m.castTo(DataType.DOUBLE)), 0.0, "not OpenBLAS float32: ND4J's sum");
    }

    /**
     * {@code y <- alpha x} into a block of rows of a larger array (the RBM's {@code recon <- -v0} into the bottom half
     * of its stacked buffer) writes exactly those rows; float64 and strided arrays take ND4J's path, with the same
     * values.
     */
    @Test
    void copyScalesIntoTheRowsItIsGivenAndNothingElse() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 20, 784).subi(0.5);
        for (double alpha : new double[] {-1, 1, 0.25}) {
            INDArray stacked = Nd4j.zeros(DataType.FLOAT, 40, 784).addi(7);
            INDArray bottom = stacked.get(NDArrayIndex.interval(20, 40), NDArrayIndex.all());
            Level1.copy(alpha, x, bottom);
            assertEquals(x.mul(alpha), bottom, "alpha " + alpha);
            assertEquals(Nd4j.zeros(DataType.FLOAT, 20, 784).addi(7),
                    stacked.get(NDArrayIndex.interval(0, 20), NDArrayIndex.all()), "the top rows are untouched");
        }
        INDArray x64 = x.castTo(DataType.DOUBLE);
        INDArray y64 = Nd4j.zeros(DataType.DOUBLE, 20, 784);
        Level1.copy(-1, x64, y64);
        assertEquals(x64.neg(), y64);
        INDArray columns = Nd4j.zeros(DataType.FLOAT, 20, 1568).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 784));
        Level1.copy(-1, x, columns);
        assertEquals(x.neg(), columns, "a strided view");
    }
}
