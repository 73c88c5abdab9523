package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.core.nn.Level1;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code P = (lambda/B) sum_bj |y_bj|} on a batch of {@code B} codes, {@code dP/dy_bj = (lambda/B) sign(y_bj)},
 * added to the hidden delta before the activation derivative. Reports {@code meanAbsActivation}, the mean of
 * {@code |y_bj|} over the epoch's training batches.
 */
final class L1ActivityPenalty implements Penalty {
    private final double lambda;
    private final Scratch scratch = new Scratch();
    private double absSum;
    private long count;

    L1ActivityPenalty(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public double onHidden(INDArray hidden, INDArray gradHidden) {
        INDArray sign = scratch.like("sign", hidden);
        Nd4j.exec(new Sign(hidden, sign));
        double asum = Level1.dot(sign, hidden);
        absSum += asum;
        count += hidden.length();
        if (lambda == 0) {
            return 0;
        }
        double scale = lambda / hidden.rows();
        Level1.axpy(scale, sign, gradHidden);
        return scale * asum;
    }

    @Override
    public Map<String, Double> epochMetrics() {
        if (count == 0) {
            return Map.of();
        }
        Map<String, Double> m = Map.of("meanAbsActivation", absSum / count);
        absSum = 0;
        count = 0;
        return m;
    }

    @Override
    public String describe() {
        return "l1-activity(lambda=" + lambda + ")";
    }
}
