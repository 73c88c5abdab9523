package io.layerwise.regularizers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.testing.FiniteDifferences;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class L1RegularizerTest {

    static Penalty l1(double lambda) {
        return new L1Regularizer().configure(new Spec("stages[0].regularizers[1]", Map.of("lambda", lambda)));
    }

    /** Gaussian weights (none within eps of the kink at 0): central differences agree to rounding. */
    @Test
    void gradientMatchesFiniteDifferencesAwayFromZero() {
        Penalty p = l1(0.3);
        INDArray w = FiniteDifferences.matrix(5, 4, 2, r -> r.nextGaussian());
        FiniteDifferences.checkHook(w, (a, g) -> p.onWeights(a, g, null), 1e-6, 1e-6);
        assertEquals(0.3 * w.norm1Number().doubleValue(), p.onWeights(w, Nd4j.zeros(DataType.DOUBLE, 5, 4), null), 1e-12);
    }

    @Test
    void biasesAndActivationsAreLeftAlone() {
        Penalty p = l1(0.3);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, 1, 4);
        assertEquals(0.0, p.onBias("bh", Nd4j.ones(DataType.DOUBLE, 1, 4), g));
        assertEquals(0.0, p.onHidden(Nd4j.ones(DataType.DOUBLE, 2, 4), Nd4j.zeros(DataType.DOUBLE, 2, 4), null));
        assertEquals(0.0, g.sumNumber().doubleValue());
    }

    @Test
    void negativeLambdaIsRejectedWithItsPath() {
        assertEquals("stages[0].regularizers[1].lambda must be in [0, inf), got -1.0",
                assertThrows(SpecException.class, () -> l1(-1)).getMessage());
    }

    @Test
    void describesItsParameters() {
        assertEquals("l1(lambda=1.0E-4)", new L1Regularizer().configure(Spec.empty("r")).describe());
    }
}
