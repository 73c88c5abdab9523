package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.layerwise.core.nn.RowHalves;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A CD-k / PCD-k step with its element-wise passes on both cores ({@link RowHalves}) against the same step on one,
 * at shapes large enough to share: the same samples (one generator, drawn in the same order), so the same
 * reconstruction error, parameters and gradients bit for bit, over several steps on data the machine was not
 * initialised from.
 */
class RbmRowHalvesTest {
    @AfterEach
    void sharingOnAgain() {
        RowHalves.enabled(true);
    }

    static Stream<Arguments> cases() {
        ContrastiveDivergence cd1 = new ContrastiveDivergence(1, false, false);
        TrainError meanField = TrainError.MEAN_FIELD;
        return Stream.of(Arguments.of(VisibleUnits.BERNOULLI, cd1, 96, 400, meanField),
                Arguments.of(VisibleUnits.BERNOULLI, new ContrastiveDivergence(2, true, true), 97, 400, meanField),
                Arguments.of(VisibleUnits.GAUSSIAN, cd1, 96, 400, meanField),
                Arguments.of(VisibleUnits.BERNOULLI, cd1, 96, 200, meanField),
                Arguments.of(VisibleUnits.BERNOULLI, cd1, 96, 400, TrainError.SAMPLED),
                Arguments.of(VisibleUnits.GAUSSIAN, cd1, 97, 400, TrainError.SAMPLED));
    }

    @ParameterizedTest(name = "{0} {1} B={2} H={3} {4}")
    @MethodSource("cases")
    void aStepOnTwoCoresEqualsTheStepOnOneBitForBit(VisibleUnits units, ContrastiveDivergence cd, int batch,
            int hidden, TrainError error) {
        Result shared = train(units, cd, batch, hidden, true, error);
        Result plain = train(units, cd, batch, hidden, false, error);
        assertArrayEquals(plain.errors, shared.errors, "reconstruction errors of the steps");
        for (int k = 0; k < plain.values.size(); k++) {
            assertArrayEquals(plain.values.get(k), shared.values.get(k), "parameter or gradient " + k);
        }
    }

    private record Result(double[] errors, List<float[]> values) {
    }

    /** Three SGD steps by {@code descend}, then one {@code gradient}: errors, parameters, gradients. */
    private static Result train(VisibleUnits units, ContrastiveDivergence cd, int batch, int hidden,
            boolean sharing, TrainError error) {
        RowHalves.enabled(sharing);
        int visible = 400;
        try (Rbm rbm = Rbm.initialise(visible, hidden, units, 0.05, 3, DataType.FLOAT);
                GibbsBuffers b = rbm.buffers(batch); Sampler s = new Sampler(17);
                PersistentChains chains = cd.persistent() ? new PersistentChains(hidden, DataType.FLOAT) : null) {
            double[] errors = new double[4];
            for (int step = 0; step < 3; step++) {
                errors[step] = rbm.descend(data(step, batch, visible), b, cd, chains, s, List.of(),
                        error, 0.1).errorSum();
            }
            errors[3] = rbm.gradient(data(3, batch, visible), b, cd, chains, s, List.of(), error).errorSum();
            List<float[]> values = new ArrayList<>();
            rbm.parameters().forEach(p -> values.add(flat(p)));
            rbm.gradients().forEach(g -> values.add(flat(g)));
            return new Result(errors, values);
        }
    }

    /** Grey pixels, a third of them 0 as in digits. */
    private static INDArray data(long seed, int rows, int cols) {
        Random r = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(3) == 0 ? 0 : r.nextFloat();
        }
        return Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT);
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }
}
