package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Every optimizer, from {@code x = 0}, reaches the minimum {@code c} of {@link Quadratic} (curvatures 0.25 to 4)
 * to within {@code max_i |x_i - c_i| < 1e-8} in a stated number of full-gradient steps (float64). The step counts
 * leave a margin of at least 30x on the distance measured when the test was written.
 */
class QuadraticConvergenceTest {

    static Stream<Arguments> optimizers() {
        Schedule constant = new Schedule.Constant();
        return Stream.of(
                Arguments.of("sgd", new Sgd.Options(0.2, 0), constant, 500, 1e-8),
                Arguments.of("momentum", new Sgd.Options(0.1, 0.5), constant, 500, 1e-8),
                Arguments.of("nesterov", new Sgd.Options(0.1, 0.9, true), constant, 400, 1e-8),
                Arguments.of("adam", new Adam.Options(0.05, 0.9, 0.999, 1e-8), constant, 600, 1e-10),
                Arguments.of("adam, exponential decay", new Adam.Options(0.1, 0.9, 0.999, 1e-8),
                        new Schedule.Exponential(0.9), 800, 1e-10),
                Arguments.of("rmsprop", new RmsProp.Options(0.01, 0.9, 1e-8), constant, 500, 1e-8),
                Arguments.of("adagrad", new AdaGrad.Options(0.5, 1e-8), constant, 500, 1e-10));
    }

    @ParameterizedTest(name = "{0}: {3} steps to within {4}")
    @MethodSource("optimizers")
    void everyOptimizerReachesTheMinimumOfAnIllConditionedQuadratic(String name, Optimizer.Options options,
            Schedule schedule, int steps, double tolerance) {
        try (Quadratic q = new Quadratic(DataType.DOUBLE); Optimizer o = options.create(q.x, schedule)) {
            double start = q.distance();
            q.run(o, steps, 20);
            double d = q.distance();
            assertTrue(d < tolerance, name + ": max |x - c| " + start + " -> " + d + " after " + steps + " steps");
        }
    }
}
