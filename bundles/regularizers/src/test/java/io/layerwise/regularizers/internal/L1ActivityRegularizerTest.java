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

class L1ActivityRegularizerTest {

    static Penalty activity(double lambda) {
        return new L1ActivityRegularizer().configure(new Spec("stages[0].regularizers[0]", Map.of("lambda", lambda)));
    }

    /** Signed activations (tanh-like, none within eps of 0): central differences agree to rounding. */
    @Test
    void gradientMatchesFiniteDifferences() {
        Penalty p = activity(0.4);
        INDArray y = FiniteDifferences.matrix(5, 4, 4, r -> (r.nextBoolean() ? 1 : -1) * (0.01 + 0.9 * r.nextDouble()));
        FiniteDifferences.checkHook(y, (a, g) -> p.onHidden(a, g, null), 1e-6, 1e-6);
    }

    @Test
    void valueIsTheCodesL1NormAveragedOverTheBatchAndReportedPerEpoch() {
        Penalty p = activity(0.5);
        INDArray y = Nd4j.createFromArray(new double[][] {{0.2, -0.4}, {0.6, 0.0}});
        assertEquals(0.5 * 1.2 / 2, p.onHidden(y, Nd4j.zeros(DataType.DOUBLE, 2, 2), null), 1e-12);
        assertEquals(0.3, p.epochMetrics().get("meanAbsActivation"), 1e-12);
        assertEquals(Map.of(), p.epochMetrics());
    }

    @Test
    void negativeLambdaIsRejectedWithItsPath() {
        assertEquals("stages[0].regularizers[0].lambda must be in [0, inf), got -0.5",
                assertThrows(SpecException.class, () -> activity(-0.5)).getMessage());
    }

    @Test
    void describesItsParameters() {
        assertEquals("l1-activity(lambda=0.001)", new L1ActivityRegularizer().configure(Spec.empty("r")).describe());
    }
}
