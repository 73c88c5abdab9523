package io.layerwise.regularizers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
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
        Random r = new Random(2);
        INDArray w = Nd4j.create(DataType.DOUBLE, 5, 4);
        INDArray base = Nd4j.create(DataType.DOUBLE, 5, 4);
        for (long i = 0; i < w.length(); i++) {
            w.putScalar(i, r.nextGaussian());
            base.putScalar(i, r.nextGaussian());
        }
        INDArray grad = base.dup();
        double value = p.onWeights(w, grad, null);
        assertEquals(0.15 * w.mul(w).sumNumber().doubleValue(), value, 1e-12);
        double eps = 1e-6;
        for (long i = 0; i < w.length(); i++) {
            double v = w.getDouble(i);
            w.putScalar(i, v + eps);
            double plus = p.onWeights(w, Nd4j.create(DataType.DOUBLE, 5, 4), null);
            w.putScalar(i, v - eps);
            double minus = p.onWeights(w, Nd4j.create(DataType.DOUBLE, 5, 4), null);
            w.putScalar(i, v);
            double numeric = (plus - minus) / (2 * eps);
            double exact = grad.getDouble(i) - base.getDouble(i);
            assertTrue(Math.abs(exact - numeric) / Math.max(Math.abs(exact), 1e-3) < 1e-6, i + ": " + exact + " vs " + numeric);
        }
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
