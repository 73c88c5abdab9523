package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GuardedPenaltyTest {
    static final String BUNDLE = "org.example.lab 1.2.0";

    /** Returns {@code value} from every hook, or throws it when it is an exception. */
    record Fixed(Object value) implements Penalty {
        @Override
        public double onHidden(INDArray hidden, INDArray gradHidden) {
            return answer();
        }

        @Override
        public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
            return answer();
        }

        @Override
        public double onBias(String name, INDArray bias, INDArray gradBias) {
            return answer();
        }

        @Override
        public Map<String, Double> epochMetrics() {
            answer();
            return Map.of("m", 1.0);
        }

        private double answer() {
            if (value instanceof RuntimeException e) {
                throw e;
            }
            return (Double) value;
        }

        @Override
        public String describe() {
            return "fixed(a=1)";
        }
    }

    @Test
    void finiteValuesAndMetricsPassThroughAndTheThreeArgumentHookReachesTheTwoArgumentOne() {
        Penalty p = GuardedPenalty.wrap(new Fixed(0.25), "fixed", BUNDLE);
        assertEquals(0.25, p.onHidden(null, null, null));
        assertEquals(0.25, p.onWeights(null, null, null));
        assertEquals(0.25, p.onBias("bh", null, null));
        assertEquals(Map.of("m", 1.0), p.epochMetrics());
        assertEquals("fixed(a=1)", p.describe());
    }

    @Test
    void aNanOrInfinitePenaltyNamesTheRegularizerItsParametersAndBundle() {
        GuardedPenalty.Failure nan = assertThrows(GuardedPenalty.Failure.class,
                () -> GuardedPenalty.wrap(new Fixed(Double.NaN), "fixed", BUNDLE).onHidden(null, null, null));
        assertEquals("regularizer \"fixed\" (fixed(a=1) from org.example.lab 1.2.0) returned NaN from onHidden on"
                + " finite arrays", nan.getMessage());
        GuardedPenalty.Failure inf = assertThrows(GuardedPenalty.Failure.class,
                () -> GuardedPenalty.wrap(new Fixed(Double.NEGATIVE_INFINITY), "fixed", BUNDLE).onWeights(null, null, null));
        assertEquals("regularizer \"fixed\" (fixed(a=1) from org.example.lab 1.2.0) returned -Infinity from onWeights"
                + " on finite arrays", inf.getMessage());
    }

    /** NaN weights mean the model diverged, not that the regularizer failed: the engine's loss check reports that. */
    @Test
    void aNanPenaltyOfNanWeightsPassesThroughToTheLossCheck() {
        Penalty p = GuardedPenalty.wrap(new Fixed(Double.NaN), "fixed", BUNDLE);
        INDArray w = Nd4j.create(new double[][] {{1, Double.NaN}});
        assertTrue(Double.isNaN(p.onWeights(w, Nd4j.zeros(1, 2), null)));
        GuardedPenalty.Failure f = assertThrows(GuardedPenalty.Failure.class,
                () -> p.onWeights(Nd4j.ones(1, 2), Nd4j.zeros(1, 2), null));
        assertTrue(f.getMessage().endsWith("returned NaN from onWeights on finite arrays"), f.getMessage());
    }

    @Test
    void aThrowingHookIsNamedWithItsCauseKept() {
        IllegalStateException boom = new IllegalStateException("boom");
        Penalty p = GuardedPenalty.wrap(new Fixed(boom), "fixed", BUNDLE);
        GuardedPenalty.Failure f = assertThrows(GuardedPenalty.Failure.class, () -> p.onBias("bv", null, null));
        assertEquals("regularizer \"fixed\" (fixed(a=1) from org.example.lab 1.2.0) threw"
                + " java.lang.IllegalStateException: boom in onBias", f.getMessage());
        assertSame(boom, f.getCause());
        f = assertThrows(GuardedPenalty.Failure.class, p::epochMetrics);
        assertEquals("epochMetrics", f.getMessage().replaceAll(".* in ", ""));
    }

    /** A penalty with a state, to check that the guard passes state() and restoreState through. */
    static final class Stateful implements Penalty {
        double[] r = {0.5};

        @Override
        public Map<String, double[]> state() {
            return Map.of("r", r.clone());
        }

        @Override
        public void restoreState(Map<String, double[]> state) {
            if (!state.containsKey("r")) {
                throw new IllegalArgumentException("no r");
            }
            r = state.get("r").clone();
        }

        @Override
        public String describe() {
            return "stateful";
        }
    }

    @Test
    void stateAndRestoreStateReachThePenaltyAndARejectedStateStaysAnIllegalArgument() {
        Stateful inner = new Stateful();
        Penalty p = GuardedPenalty.wrap(inner, "stateful", BUNDLE);
        assertEquals(0.5, p.state().get("r")[0]);
        p.restoreState(Map.of("r", new double[] {0.25}));
        assertEquals(0.25, inner.r[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.restoreState(Map.of()));
        assertEquals("regularizer \"stateful\" (stateful from org.example.lab 1.2.0) rejected its saved state: no r",
                e.getMessage());
        Penalty stateless = GuardedPenalty.wrap(new Fixed(0.0), "fixed", BUNDLE);
        assertEquals(Map.of(), stateless.state());
        stateless.restoreState(Map.of());
    }
}
