package io.layerwise.core.optim;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A list of parameter arrays as one float64 vector, their values in list order (each array's own c order), and the
 * few vector operations {@link Lbfgs} needs. Arrays must be whole (no views), float32 or float64.
 */
final class FlatVector {
    private FlatVector() {
    }

    /** Copies the arrays' values into {@code out}. */
    static void read(List<INDArray> arrays, double[] out) {
        int off = 0;
        for (INDArray a : arrays) {
            check(a);
            double[] v = a.data().asDouble();
            int n = (int) a.length();
            System.arraycopy(v, 0, out, off, n);
            off += n;
        }
        if (off != out.length) {
            throw new IllegalArgumentException("the arrays hold " + off + " values, the vector " + out.length);
        }
    }

    /** Sets the arrays' values from {@code v} (rounded to float32 where an array is float32). */
    static void write(double[] v, List<INDArray> arrays) {
        int off = 0;
        for (INDArray a : arrays) {
            check(a);
            int n = (int) a.length();
            if (a.dataType() == DataType.FLOAT) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) v[off + i];
                }
                a.data().setData(f);
            } else {
                double[] d = new double[n];
                System.arraycopy(v, off, d, 0, n);
                a.data().setData(d);
            }
            off += n;
        }
        if (off != v.length) {
            throw new IllegalArgumentException("the arrays hold " + off + " values, the vector " + v.length);
        }
    }

    private static void check(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.data().length() != a.length()
                || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
            throw new IllegalArgumentException("lbfgs takes whole c-order float32 or float64 arrays, got a "
                    + a.dataType() + " " + (a.isView() ? "view" : "array") + " in " + a.ordering() + " order");
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** {@code y <- y + alpha x}. */
    static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** {@code out <- x + alpha d}. */
    static void axpyInto(double[] x, double alpha, double[] d, double[] out) {
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + alpha * d[i];
        }
    }

    static void scale(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= alpha;
        }
    }

    /** {@code -v}, a new array. */
    static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
