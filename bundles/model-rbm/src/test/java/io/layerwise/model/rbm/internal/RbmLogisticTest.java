package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.core.nn.Logistic;
import io.layerwise.core.testing.MnistSample;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The RBM's use of core's {@link Logistic} loops (hidden and visible means, the reconstruction error) against
 * libnd4j's transforms on real digits: a 784-200 Bernoulli RBM trained by CD-1 on 2,000 MNIST digits, two epochs of
 * batch 20, once each way from the same weights and the same generator, with either train error. The held-out
 * reconstruction cross-entropy of 1,000 test digits agrees to 1e-3 of itself, and so do the weights (to 1e-3 of their
 * largest magnitude). The two sigmoids differ by about a unit in the last place, so a Bernoulli draw can come out
 * otherwise where {@code u} falls within 2.5e-7 of {@code p} (about one draw in two million): hence 1e-3, not the
 * DAE's 1e-4. A wrong mean or a wrong error term moves the error by percents.
 */
class RbmLogisticTest {
    @AfterEach
    void loopsOnAgain() {
        Logistic.enabled(true);
    }

    /** Both train errors: the sampled one runs the fused softplus-and-sigmoid pass (VisibleUnits.errorThenMean). */
    @ParameterizedTest
    @EnumSource(TrainError.class)
    void cdTrainingMatchesLibnd4jsTransformsOnHeldOutDigits(TrainError error) throws IOException {
        INDArray x = rows(MnistSample.images(MnistSample.directory().resolve("train-images-idx3-ubyte.gz")), 2000);
        INDArray heldOut = rows(MnistSample.images(MnistSample.directory().resolve("t10k-images-idx3-ubyte.gz")), 1000);
        ContrastiveDivergence cd = new ContrastiveDivergence(1, false, false);
        double[] before = new double[2];
        double[] after = new double[2];
        INDArray[] weights = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            Logistic.enabled(run == 0);
            try (Rbm rbm = Rbm.initialise(784, 200, VisibleUnits.BERNOULLI, 0.01, 5, DataType.FLOAT);
                    GibbsBuffers b = rbm.buffers(20); GibbsBuffers eval = rbm.buffers(1000);
                    Sampler sampler = new Sampler(23)) {
                before[run] = rbm.reconstructionError(heldOut, eval) / 1000;
                for (int epoch = 0; epoch < 2; epoch++) {
                    for (int lo = 0; lo < 2000; lo += 20) {
                        INDArray batch = x.get(NDArrayIndex.interval(lo, lo + 20), NDArrayIndex.all());
                        rbm.descend(batch, b, cd, null, sampler, List.of(), error, 0.05);
                    }
                }
                after[run] = rbm.reconstructionError(heldOut, eval) / 1000;
                weights[run] = rbm.parameters().get(0).dup();
            }
        }
        assertEquals(before[1], before[0], 1e-5 * before[1], "untrained, the same weights");
        assertTrue(after[0] < 0.6 * before[0], "CD-1 learnt: " + before[0] + " -> " + after[0]);
        assertEquals(after[1], after[0], 1e-3 * after[1], "held-out reconstruction CE, Java loops against libnd4j");
        double scale = weights[1].amaxNumber().doubleValue();
        double diff = weights[0].sub(weights[1]).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-3 * scale, "weights differ by " + diff + " of " + scale);
        assertTrue(diff > 0, "the two paths cannot give the same bits: is the switch still wired?");
    }

    private static INDArray rows(FloatMatrix m, int n) {
        return Nd4j.create(Arrays.copyOf(m.data(), n * m.cols()), new long[] {n, m.cols()});
    }
}
