package io.layerwise.regularizers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.testing.FiniteDifferences;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class L2RegularizerTest {

    /** Central differences in float64, eps 1e-6: relative error below 1e-6 (P is quadratic: the error is rounding only). */
    @Test
    void gradientMatchesFiniteDifferencesAndAddsToTheExistingGradient() {
        Penalty p = new L2Regularizer().configure(new Spec("stages[0].regularizers[0]", Map.of("lambda", 0.3)));
        INDArray w = FiniteDifferences.matrix(5, 4, 2, Random::nextGaussian);
        assertEquals(0.15 * w.mul(w).sumNumber().doubleValue(), p.onWeights(w, Nd4j.zeros(DataType.DOUBLE, 5, 4), null),
                1e-12);
        FiniteDifferences.checkHook(w, (a, g) -> p.onWeights(a, g, null), 1e-6, 1e-6);
        INDArray b = Nd4j.ones(DataType.DOUBLE, 1, 4);
        INDArray gb = Nd4j.zeros(DataType.DOUBLE, 1, 4);
        assertEquals(0.0, p.onBias("bh", b, gb));
        assertEquals(0.0, gb.sumNumber().doubleValue(), "biases are not decayed");
    }

    @Test
    void negativeLambdaIsRejectedWithItsPath() {
        SpecException e = assertThrows(SpecException.class, () -> new L2Regularizer()
                .configure(new Spec("stages[1].regularizers[0]", Map.of("lambda", -1))));
        assertEquals("stages[1].regularizers[0].lambda must be in [0, inf), got -1.0", e.getMessage());
    }

    @Test
    void describesItsParameters() {
        assertEquals("l2(lambda=1.0E-4)", new L2Regularizer().configure(Spec.empty("r")).describe());
    }
}
