package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.stage.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Save the state mid-run, restore it into a fresh optimizer (and the parameters into a fresh model), continue:
 * the result is bit-identical to a run that was never interrupted (float32, as stages train).
 */
class OptimizerStateTest {
    static final int STEPS = 30;
    static final int SAVED_AT = 13; // in the middle of epoch 3: the restored rate must not wait for startEpoch
    static final int PER_EPOCH = 4;

    static Stream<Arguments> optimizers() {
        Schedule decay = new Schedule.Exponential(0.8);
        return Stream.of(
                Arguments.of(new Sgd.Options(0.05, 0), decay, List.of()),
                Arguments.of(new Sgd.Options(0.05, 0.9), decay, List.of("velocity.0", "velocity.1")),
                Arguments.of(new Sgd.Options(0.05, 0.9, true), new Schedule.Step(2, 0.5), List.of("velocity.0", "velocity.1")),
                Arguments.of(new Adam.Options(0.05, 0.9, 0.999, 1e-8), new Schedule.Cosine(0.001, 8),
                        List.of("m.0", "m.1", "v.0", "v.1")),
                Arguments.of(new RmsProp.Options(0.01, 0.9, 1e-8), decay, List.of("meanSquare.0", "meanSquare.1")),
                Arguments.of(new AdaGrad.Options(0.3, 1e-8), decay, List.of("sumSquares.0", "sumSquares.1")));
    }

    /** Steps {@code from .. to-1}, starting an epoch every {@link #PER_EPOCH} steps (absolute numbering). */
    static void steps(Quadratic q, Optimizer o, int from, int to) {
        for (int s = from; s < to; s++) {
            if (s % PER_EPOCH == 0) {
                o.startEpoch(s / PER_EPOCH);
            }
            q.gradient();
            o.step(q.x, q.g);
        }
    }

    static List<float[]> values(List<INDArray> arrays) {
        List<float[]> v = new ArrayList<>();
        arrays.forEach(a -> v.add(a.dup('c').data().asFloat()));
        return v;
    }

    /** The count a memory estimate multiplies the parameters by is the state's own: two parameters, so twice it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void stateArraysCountsTheArraysOfTheState(Optimizer.Options options, Schedule schedule, List<String> arrays) {
        assertEquals(arrays.size(), 2 * options.stateArrays());
        assertEquals(options.kind().equals("sgd") || options.kind().equals("nesterov") ? 0 : 1, options.workArrays());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("optimizers")
    void restoredStateContinuesBitIdentically(Optimizer.Options options, Schedule schedule, List<String> arrays) {
        try (Quadratic straight = new Quadratic(DataType.FLOAT); Optimizer a = options.create(straight.x, schedule);
                Quadratic resumed = new Quadratic(DataType.FLOAT)) {
            steps(straight, a, 0, SAVED_AT);
            OptimizerState saved = a.state();
            List<float[]> savedX = values(straight.x);
            assertEquals(options.kind(), saved.kind());
            assertEquals(arrays, saved.arrays().stream().map(Parameter::name).toList());
            assertEquals(Map.of("step", (double) SAVED_AT, "epoch", 3.0, "lr", schedule.lr(options.lr(), 3)),
                    saved.scalars());
            steps(straight, a, SAVED_AT, STEPS);

            for (int i = 0; i < savedX.size(); i++) {
                resumed.x.get(i).assign(org.nd4j.linalg.factory.Nd4j.create(savedX.get(i), resumed.x.get(i).shape(),
                        DataType.FLOAT));
            }
            try (Optimizer b = options.create(resumed.x, schedule)) {
                b.restoreState(saved);
                assertEquals(saved, b.state());
                steps(resumed, b, SAVED_AT, STEPS);
                for (int i = 0; i < straight.x.size(); i++) {
                    assertArrayEquals(values(straight.x).get(i), values(resumed.x).get(i), "parameter " + i);
                }
                assertEquals(a.state().scalars(), b.state().scalars());
                List<Parameter> sa = a.state().arrays();
                List<Parameter> sb = b.state().arrays();
                assertEquals(sa, sb);
            }
        }
    }

    @Test
    void aFreshOptimizerWithoutTheStateWouldNotContinueIdentically() {
        Adam.Options options = new Adam.Options(0.05, 0.9, 0.999, 1e-8);
        try (Quadratic q1 = new Quadratic(DataType.FLOAT); Quadratic q2 = new Quadratic(DataType.FLOAT);
                Optimizer a = options.create(q1.x, new Schedule.Constant());
                Optimizer b = options.create(q2.x, new Schedule.Constant())) {
            steps(q1, a, 0, 5);
            steps(q2, b, 0, 5);
            b.reset(); // forgets m, v and t: the next update differs
            steps(q1, a, 5, 6);
            steps(q2, b, 5, 6);
            assertNotEquals(q1.distance(), q2.distance());
        }
    }

    @Test
    void restoreRejectsAnotherKindAndMissingExtraOrMisshapenArraysChangingNothing() {
        try (Quadratic q = new Quadratic(DataType.FLOAT);
                Optimizer adam = new Adam.Options(0.01, 0.9, 0.999, 1e-8).create(q.x, new Schedule.Constant());
                Optimizer rms = new RmsProp.Options(0.01, 0.9, 1e-8).create(q.x, new Schedule.Constant())) {
            steps(q, adam, 0, 3);
            OptimizerState s = adam.state();
            assertEquals("saved state is of a adam optimizer, this one is rmsprop",
                    assertThrows(IllegalArgumentException.class, () -> rms.restoreState(s)).getMessage());

            adam.reset();
            OptimizerState fresh = adam.state();
            List<Parameter> missing = new ArrayList<>(s.arrays());
            missing.remove(3);
            assertEquals("adam state has no array v.1 [3]", assertThrows(IllegalArgumentException.class,
                    () -> adam.restoreState(new OptimizerState("adam", s.scalars(), missing))).getMessage());
            List<Parameter> misshapen = new ArrayList<>(s.arrays());
            misshapen.set(0, new Parameter("m.0", new int[] {3, 2}, new float[6]));
            assertEquals("adam state array m.0 has shape [3, 2], expected [2, 3]", assertThrows(
                    IllegalArgumentException.class,
                    () -> adam.restoreState(new OptimizerState("adam", s.scalars(), misshapen))).getMessage());
            List<Parameter> extra = new ArrayList<>(s.arrays());
            extra.add(new Parameter("velocity.0", new int[] {1}, new float[1]));
            assertEquals("adam state has arrays this optimizer does not use: [velocity.0]", assertThrows(
                    IllegalArgumentException.class,
                    () -> adam.restoreState(new OptimizerState("adam", s.scalars(), extra))).getMessage());
            assertEquals("adam state has no scalar step; it has [epoch, lr]", assertThrows(IllegalArgumentException.class,
                    () -> adam.restoreState(new OptimizerState("adam", Map.of("epoch", 0.0, "lr", 0.1), s.arrays())))
                    .getMessage());
            assertEquals(fresh, adam.state(), "a rejected state changes nothing");
        }
    }

    @Test
    void stateIsFloat32LikeTheParameters() {
        try (Quadratic q = new Quadratic(DataType.DOUBLE);
                Optimizer o = new Sgd.Options(0.1, 0.5).create(q.x, new Schedule.Constant())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, o::state);
            assertEquals("sgd state is saved as float32; velocity.0 is DOUBLE", e.getMessage());
        }
    }
}
