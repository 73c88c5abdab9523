package io.layerwise.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The convolutions' im2col + GEMM forward passes against the textbook loops (PyTorch's definitions), in float64
 * (tolerance 1e-12) and in float32 through cblas_sgemm (tolerance 1e-5).
 */
class ConvReferenceTest {

    /** y[n,f,i,j] = b[f] + sum W[f,c,u,v] x[n,c,s i + u - p, s j + v - p]. */
    static double[] convLoop(INDArray x, INDArray w, INDArray b, int s, int p, Shape out) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), wd = (int) x.size(3), k = (int) w.size(2);
        double[] y = new double[n * out.size()];
        for (int a = 0; a < n; a++) {
            for (int f = 0; f < out.channels(); f++) {
                for (int i = 0; i < out.height(); i++) {
                    for (int j = 0; j < out.width(); j++) {
                        double sum = b.getDouble(f);
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int r = s * i + u - p, q = s * j + v - p;
                                    if (r >= 0 && r < h && q >= 0 && q < wd) {
                                        sum += w.getDouble(f, ch, u, v) * x.getDouble(a, ch, r, q);
                                    }
                                }
                            }
                        }
                        y[((a * out.channels() + f) * out.height() + i) * out.width() + j] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** y[n,f,s i + u - p, s j + v - p] += x[n,c,i,j] W[c,f,u,v], plus b[f]. */
    static double[] transposeLoop(INDArray x, INDArray w, INDArray b, int s, int p, Shape out) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), wd = (int) x.size(3), k = (int) w.size(2);
        double[] y = new double[n * out.size()];
        for (int a = 0; a < n; a++) {
            for (int f = 0; f < out.channels(); f++) {
                for (int i = 0; i < out.height() * out.width(); i++) {
                    y[(a * out.channels() + f) * out.height() * out.width() + i] = b.getDouble(f);
                }
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < wd; j++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int r = s * i + u - p, q = s * j + v - p;
                                    if (r >= 0 && r < out.height() && q >= 0 && q < out.width()) {
                                        y[((a * out.channels() + f) * out.height() + r) * out.width() + q] +=
                                                x.getDouble(a, ch, i, j) * w.getDouble(ch, f, u, v);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    private static void assertClose(double[] expected, INDArray actual, double tol, String what) {
        double[] a = actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector();
        assertEquals(expected.length, a.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    @Test
    void convEqualsTheDirectLoopInBothPrecisions() {
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            Conv conv = new Conv(Shape.image(3, 28, 28), 4, 3, 3, 1, t, new SplittableRandom(1));
            INDArray x = LayerGradientTest.random(new SplittableRandom(2), 5, 3, 28, 28).castTo(t);
            double[] expected = convLoop(x, conv.parameters().get(0), conv.parameters().get(1), 3, 1, conv.output());
            assertClose(expected, conv.forward(x, true), t == DataType.DOUBLE ? 1e-12 : 1e-5, "conv " + t);
        }
    }

    @Test
    void convTransposeEqualsTheDirectLoopInBothPrecisions() {
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            ConvTranspose ct = new ConvTranspose(Shape.image(4, 5, 5), 3, 5, 3, 1, 0, t, new SplittableRandom(3));
            assertEquals(Shape.image(3, 15, 15), ct.output());
            INDArray x = LayerGradientTest.random(new SplittableRandom(4), 3, 4, 5, 5).castTo(t);
            double[] expected = transposeLoop(x, ct.parameters().get(0), ct.parameters().get(1), 3, 1, ct.output());
            assertClose(expected, ct.forward(x, true), t == DataType.DOUBLE ? 1e-12 : 1e-5, "conv-transpose " + t);
        }
    }

    @Test
    void convTransposeWithOutputPaddingEqualsTheDirectLoop() {
        ConvTranspose ct = new ConvTranspose(Shape.image(2, 3, 3), 2, 3, 2, 1, 1, DataType.DOUBLE,
                new SplittableRandom(5));
        assertEquals(Shape.image(2, 6, 6), ct.output());
        INDArray x = LayerGradientTest.random(new SplittableRandom(6), 2, 2, 3, 3);
        assertClose(transposeLoop(x, ct.parameters().get(0), ct.parameters().get(1), 2, 1, ct.output()),
                ct.forward(x, true), 1e-12, "conv-transpose with output padding");
    }
}
