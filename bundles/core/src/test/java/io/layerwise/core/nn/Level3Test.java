package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Level3#gemm} against a triple loop in double precision, for the layouts the training loops hand it: whole
 * matrices, row ranges of stacked buffers (a non-zero offset), column ranges (rows further apart than their length),
 * single rows and columns, every transpose combination, and the layouts it must pass on to ND4J.
 */
class Level3Test {
    private static final Random RANDOM = new Random(7);

    private static INDArray random(DataType type, int rows, int cols) {
        INDArray x = Nd4j.create(type, rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x.putScalar(i, j, RANDOM.nextGaussian());
            }
        }
        return x;
    }

    /** {@code alpha op(a) op(b) + beta c} computed element by element, in double. */
    private static double[][] expected(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha,
            double beta) {
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (ta ? a.size(0) : a.size(1));
        double[][] r = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a.getDouble(p, i) : a.getDouble(i, p)) * (tb ? b.getDouble(j, p) : b.getDouble(p, j));
                }
                r[i][j] = alpha * s + beta * c.getDouble(i, j);
            }
        }
        return r;
    }

    private static void check(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        check(a, b, c, ta, tb, alpha, beta, true);
    }

    /** @param direct whether OpenBLAS is called directly (else the product goes through Nd4j.gemm) */
    private static void check(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta,
            boolean direct) {
        assertEquals(direct, Level3.direct(a, b, c, ta, tb), "direct cblas_sgemm");
        double[][] want = expected(a, b, c, ta, tb, alpha, beta);
        Level3.gemm(a, b, c, ta, tb, alpha, beta);
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                assertEquals(want[i][j], c.getDouble(i, j), 1e-4 * (1 + Math.abs(want[i][j])),
                        "C[" + i + "][" + j + "] with transA " + ta + ", transB " + tb + ", " + c.dataType());
            }
        }
    }

    @Test
    void everyTransposeCombinationWithAlphaAndBeta() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                INDArray a = ta ? random(DataType.FLOAT, 7, 5) : random(DataType.FLOAT, 5, 7);
                INDArray b = tb ? random(DataType.FLOAT, 3, 7) : random(DataType.FLOAT, 7, 3);
                check(a, b, random(DataType.FLOAT, 5, 3), ta, tb, 0.5, 0.0);
                check(a, b, random(DataType.FLOAT, 5, 3), ta, tb, -1.25, 1.0);
            }
        }
    }

    @Test
    void rowRangesOfAStackedBufferAreReadAndWrittenInPlace() {
        // GibbsBuffers: [h0 ; p(h|v0)] in one array, its halves used as views
        INDArray stackedA = random(DataType.FLOAT, 8, 6);
        INDArray stackedC = random(DataType.FLOAT, 8, 4);
        INDArray before = stackedC.dup();
        INDArray lowerA = stackedA.get(NDArrayIndex.interval(4, 8), NDArrayIndex.all());
        INDArray lowerC = stackedC.get(NDArrayIndex.interval(4, 8), NDArrayIndex.all());
        check(lowerA, random(DataType.FLOAT, 6, 4), lowerC, false, false, 1.0, 0.5);
        assertEquals(before.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()),
                stackedC.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()), "the upper half is untouched");
        check(random(DataType.FLOAT, 6, 3), random(DataType.FLOAT, 6, 6), stackedA.get(NDArrayIndex.interval(5, 8),
                NDArrayIndex.all()), true, false, 1.0, 0.0);
    }

    @Test
    void columnRangesSingleRowsAndSingleColumns() {
        INDArray wide = random(DataType.FLOAT, 5, 9);
        INDArray cols = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 6)); // 5 x 4, rows 9 apart
        check(cols, random(DataType.FLOAT, 4, 3), random(DataType.FLOAT, 5, 3), false, false, 1.0, 0.0);
        check(random(DataType.FLOAT, 5, 2), random(DataType.FLOAT, 2, 4), cols, false, false, 2.0, 1.0);
        check(Nd4j.ones(DataType.FLOAT, 1, 5), random(DataType.FLOAT, 5, 3), random(DataType.FLOAT, 1, 3), false,
                false, 0.2, 0.0); // a bias gradient: ones^T delta
        check(random(DataType.FLOAT, 5, 3), random(DataType.FLOAT, 3, 1), random(DataType.FLOAT, 5, 1), false, false,
                1.0, 1.0);
    }

    @Test
    void float64AndTransposedViewsGoThroughNd4jWithTheSameResult() {
        check(random(DataType.DOUBLE, 4, 6), random(DataType.DOUBLE, 6, 3), random(DataType.DOUBLE, 4, 3), false,
                false, 1.0, 1.0, false);
        INDArray t = random(DataType.FLOAT, 6, 4).transpose(); // 4 x 6 with column stride 4: not row-major
        check(t, random(DataType.FLOAT, 6, 3), random(DataType.FLOAT, 4, 3), false, false, 1.0, 0.0, false);
    }

    @Test
    void gemmPlusRowAddsTheBiasToEveryRow() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = random(type, 5, 7);
            INDArray b = random(type, 3, 7);
            INDArray bias = random(type, 1, 3);
            INDArray c = random(type, 5, 3); // overwritten, whatever it held
            INDArray want = a.mmul(b.transpose()).addiRowVector(bias);
            for (INDArray ones : new INDArray[] {Nd4j.ones(type, 1, 5), Nd4j.ones(type, 5, 1)}) {
                c.assign(7);
                Level3.gemmPlusRow(a, b, c, false, true, bias, ones);
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertEquals(want.getDouble(i, j), c.getDouble(i, j), 1e-5,
                                "C[" + i + "][" + j + "] " + type + " ones " + ones.shapeInfoToString());
                    }
                }
            }
        }
    }

    @Test
    void level1UpdatesOnWholeArraysViewsAndFloat64() {
        INDArray stacked = random(DataType.FLOAT, 6, 4);
        INDArray lower = stacked.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all()); // contiguous, offset 12
        INDArray cols = stacked.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)); // not contiguous
        INDArray dbl = random(DataType.DOUBLE, 3, 4);
        assertEquals(true, Level1.direct(lower));
        assertEquals(false, Level1.direct(cols));
        assertEquals(false, Level1.direct(dbl));
        for (INDArray y : new INDArray[] {lower, cols, dbl, random(DataType.FLOAT, 1, 9)}) {
            INDArray before = stacked.dup();
            INDArray x = random(y.dataType(), (int) y.rows(), (int) y.columns());
            INDArray want = y.dup().muli(-0.5).addi(x.mul(2.0));
            Level1.scal(-0.5, y);
            Level1.axpy(2.0, x, y);
            for (int i = 0; i < y.rows(); i++) {
                for (int j = 0; j < y.columns(); j++) {
                    assertEquals(want.getDouble(i, j), y.getDouble(i, j), 1e-5, "y[" + i + "][" + j + "] of " + y.dataType() + " " + y.shapeInfoToString());
                }
            }
            if (y == lower) {
                assertEquals(before.get(NDArrayIndex.interval(0, 3), NDArrayIndex.all()),
                        stacked.get(NDArrayIndex.interval(0, 3), NDArrayIndex.all()), "the rows before the view");
            }
        }
    }
}
