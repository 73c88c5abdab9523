package io.layerwise.regularizer.contractive.internal;

import io.layerwise.api.regularizer.Penalty;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contractive penalty for a sigmoid encoder {@code y = s(x W + bh)}, whose Jacobian is
 * {@code dy_j/dx_i = y_j (1 - y_j) W_ij}:
 * <pre>
 *   P = (lambda/B) sum_b sum_j s_bj^2 n_j,      s_bj = y_bj (1 - y_bj),  n_j = sum_i W_ij^2
 *   dP/dy_bj = (lambda/B) 2 s_bj (1 - 2 y_bj) n_j     (onHidden: flows through f'(u) into W and bh)
 *   dP/dW_ij = (2 lambda/B) W_ij sum_b s_bj^2          (onWeights: the explicit dependence on W)
 * </pre>
 * Both hooks are needed: {@code P} depends on {@code W} directly and through the activations. Work arrays are
 * allocated once per shape and reused.
 */
final class ContractivePenalty implements Penalty {
    private final double lambda;
    private final Map<String, INDArray> scratch = new HashMap<>();

    ContractivePenalty(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public double onHidden(INDArray hidden, INDArray gradHidden, INDArray weights) {
        if (lambda == 0) {
            return 0;
        }
        DataType type = hidden.dataType();
        long h = hidden.columns();
        INDArray n = work("n", type, 1, h);
        Nd4j.exec(new SquaredNorm(weights, n, true, 0)); // n_j = sum_i W_ij^2
        INDArray s = slope(hidden);
        INDArray c = work("c", type, 1, h);
        Nd4j.exec(new SquaredNorm(s, c, true, 0)); // c_j = sum_b s_bj^2
        double scale = lambda / hidden.rows();
        INDArray t = work("t", type, hidden.shape());
        Nd4j.exec(new ScalarMultiplication(hidden, null, t, -2.0));
        t.addi(1.0).muli(s).muliRowVector(n); // (1 - 2y) s n
        axpy(2 * scale, t, gradHidden);
        return scale * dot(c, n);
    }

    @Override
    public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
        if (lambda == 0) {
            return 0;
        }
        INDArray c = work("c", hidden.dataType(), 1, hidden.columns());
        Nd4j.exec(new SquaredNorm(slope(hidden), c, true, 0));
        INDArray d = work("d", weights.dataType(), weights.shape());
        d.assign(weights).muliRowVector(c); // W_ij c_j
        axpy(2 * lambda / hidden.rows(), d, gradWeights);
        return 0; // the value is counted once, in onHidden
    }

    @Override
    public String describe() {
        return "contractive(lambda=" + lambda + ")";
    }

    /** {@code s = y (1 - y)}, the sigmoid's derivative, in a work array. */
    private INDArray slope(INDArray hidden) {
        INDArray s = work("s", hidden.dataType(), hidden.shape());
        Nd4j.exec(new ScalarReverseSubtraction(hidden, null, s, 1.0));
        return s.muli(hidden);
    }

    private INDArray work(String role, DataType type, long... shape) {
        return scratch.computeIfAbsent(role + " " + type + java.util.Arrays.toString(shape),
                k -> Nd4j.createUninitialized(type, shape));
    }

    private static double dot(INDArray a, INDArray b) {
        return Nd4j.getBlasWrapper().dot(flat(a), flat(b));
    }

    private static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.getBlasWrapper().axpy(alpha, flat(x), flat(y));
    }

    private static INDArray flat(INDArray a) {
        return a.isVector() ? a : a.reshape(a.length());
    }
}
