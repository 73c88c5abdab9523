package io.layerwise.core.optim;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code f(x) = 1/2 (x - c)^T A (x - c)} with a diagonal {@code A}, over two parameter arrays (a 2x3 matrix and a
 * 3-vector, so that optimizers handle lists and shapes): gradient {@code A (x - c)}, minimum {@code c}. The
 * curvatures span 0.25 to 4 (condition number 16), so that per-coordinate scaling (Adam, RMSprop, AdaGrad) matters.
 */
final class Quadratic implements AutoCloseable {
    static final double[] CURVATURE = {4, 1, 0.25, 2, 0.5, 1.5, 3, 0.3, 0.8};
    static final double[] CENTRE = {1, -2, 0.5, 3, -1, 0.25, -0.75, 2, 1.5};

    final List<INDArray> x;
    final List<INDArray> g;
    private final List<INDArray> a;
    private final List<INDArray> c;

    Quadratic(DataType type) {
        x = List.of(Nd4j.zeros(type, 2, 3), Nd4j.zeros(type, 3));
        g = List.of(Nd4j.zeros(type, 2, 3), Nd4j.zeros(type, 3));
        a = List.of(part(CURVATURE, 0, type).reshape(2, 3), part(CURVATURE, 6, type));
        c = List.of(part(CENTRE, 0, type).reshape(2, 3), part(CENTRE, 6, type));
    }

    private static INDArray part(double[] v, int from, DataType type) {
        double[] p = from == 0 ? java.util.Arrays.copyOfRange(v, 0, 6) : java.util.Arrays.copyOfRange(v, 6, 9);
        return Nd4j.createFromArray(p).castTo(type);
    }

    /** Writes the gradient at the current {@code x} into {@link #g}. */
    void gradient() {
        for (int i = 0; i < x.size(); i++) {
            g.get(i).assign(x.get(i)).subi(c.get(i)).muli(a.get(i));
        }
    }

    /** {@code max_i |x_i - c_i|}. */
    double distance() {
        double d = 0;
        for (int i = 0; i < x.size(); i++) {
            d = Math.max(d, x.get(i).sub(c.get(i)).amaxNumber().doubleValue());
        }
        return d;
    }

    /** The current point, flattened (matrix row-major, then the vector). */
    double[] point() {
        double[] p = new double[9];
        double[] m = x.get(0).dup('c').data().asDouble();
        double[] v = x.get(1).dup('c').data().asDouble();
        System.arraycopy(m, 0, p, 0, 6);
        System.arraycopy(v, 0, p, 6, 3);
        return p;
    }

    /** Runs {@code steps} gradient steps, starting an epoch every {@code perEpoch} steps. */
    void run(Optimizer o, int steps, int perEpoch) {
        for (int s = 0; s < steps; s++) {
            if (s % perEpoch == 0) {
                o.startEpoch(s / perEpoch);
            }
            gradient();
            o.step(x, g);
        }
    }

    @Override
    public void close() {
        for (List<INDArray> l : List.of(x, g, a, c)) {
            l.forEach(INDArray::close);
        }
    }
}
