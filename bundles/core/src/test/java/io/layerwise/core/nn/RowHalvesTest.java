package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link RowHalves}: a pass covers every row exactly once, split at {@code B/2}; and the training steps that use it
 * (a DAE's {@link DenseAutoencoder#descend} and {@code gradient} at shapes large enough to share) give the same
 * parameters, gradients and loss, bit for bit, as with sharing off.
 */
class RowHalvesTest {
    @AfterEach
    void sharingOnAgain() {
        RowHalves.enabled(true);
    }

    @Test
    void aPassCoversEveryRowOnceInTwoHalves() {
        SecondCore.resetBackOff();
        int rows = 65;
        INDArray a = Nd4j.zeros(DataType.FLOAT, rows, 1000);
        RowHalves halves = new RowHalves(rows);
        for (int round = 0; round < 20; round++) {
            halves.run(a.length(), h -> {
                INDArray part = h.apply(a);
                assertTrue(part.rows() == 32 || part.rows() == 33, "a half of 65 rows has " + part.rows());
                part.addi(1);
            });
        }
        for (long i = 0; i < a.length(); i++) {
            assertEquals(20f, a.getFloat(i), "element " + i);
        }
    }

    /**
     * The halves of every minibatch view of an epoch are kept for the next epoch, the stage's buffers' too, even with
     * 3,000 minibatches (full MNIST at batch 20): a cap of 1,024 views dropped them every epoch, and 60,000-row epochs
     * cost 1.16-1.21 times the 8,000-row ones per row (docs/performance.md, "Full-size data on the Zen 5 machine").
     */
    @Test
    void theHalvesOfThreeThousandMinibatchViewsLastFromOneEpochToTheNext() {
        org.junit.jupiter.api.Assumptions.assumeTrue(SecondCore.available(), "a machine with two cores");
        SecondCore.resetBackOff();
        int batch = 20;
        int batches = 3000;
        INDArray all = Nd4j.zeros(DataType.FLOAT, (long) batch * batches, 8);
        INDArray buffer = Nd4j.zeros(DataType.FLOAT, batch, 8);
        List<INDArray> views = new java.util.ArrayList<>();
        for (int b = 0; b < batches; b++) {
            views.add(all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(b * batch, (b + 1) * batch),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
        }
        RowHalves halves = new RowHalves(batch);
        List<java.util.Set<INDArray>> seen = new java.util.ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            java.util.Set<INDArray> halvesOfEpoch = java.util.Collections.synchronizedSet(
                    java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
            for (INDArray view : views) {
                halves.run(1 << 20, h -> { // a pass large enough to share, on arrays small enough for a unit test
                    halvesOfEpoch.add(h.apply(view));
                    halvesOfEpoch.add(h.apply(buffer));
                });
            }
            seen.add(halvesOfEpoch);
        }
        assertEquals(2 * batches + 2, seen.get(0).size(), "two halves of each view and of the buffer");
        assertEquals(seen.get(0), seen.get(1), "the second epoch got the first epoch's halves, not new ones");
    }

    @Test
    void aSmallPassRunsOnTheWholeArrays() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 5, 784); // 3,920 values, under the threshold
        new RowHalves(5).run(a.length(), h -> assertSame(a, h.apply(a)));
        RowHalves.enabled(false);
        INDArray big = Nd4j.zeros(DataType.FLOAT, 128, 784);
        new RowHalves(128).run(big.length(), h -> assertSame(big, h.apply(big)));
    }

    @Test
    void anArrayOfAnotherHeightIsRefusedByItsRowCount() {
        org.junit.jupiter.api.Assumptions.assumeTrue(SecondCore.available(), "a machine with two cores");
        INDArray a = Nd4j.zeros(DataType.FLOAT, 128, 784);
        INDArray other = Nd4j.zeros(DataType.FLOAT, 64, 784);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> new RowHalves(128).run(a.length(), h -> h.apply(other)));
        // the worker's exception comes back as thrown, or wrapped with its message inside the wrapper's
        assertTrue(e.getMessage().contains("array of 64 rows in a pass over 128 rows"), e.getMessage());
    }

    @Test
    void aSigmoidOnHalvesEqualsTheWholeBitForBit() {
        INDArray x = GradientCheckTest.unitData(4, 128, 784).castTo(DataType.FLOAT).subi(0.5).muli(30);
        INDArray whole = x.dup();
        Nd4j.exec(new Sigmoid(whole, whole));
        INDArray shared = x.dup();
        new RowHalves(128).run(shared.length(), h -> Nd4j.exec(new Sigmoid(h.apply(shared), h.apply(shared))));
        assertArrayEquals(flat(whole), flat(shared));
    }

    static Stream<Arguments> shapes() {
        // B x N x H: both passes shared; only the visible ones (hidden 96 x 200 is below the threshold); odd B
        return Stream.of(Arguments.of(96, 400, 400, true), Arguments.of(96, 400, 200, false),
                Arguments.of(97, 500, 400, true));
    }

    @ParameterizedTest(name = "B={0} N={1} H={2} tied={3}")
    @MethodSource("shapes")
    void aDaeStepOnTwoCoresEqualsTheStepOnOneBitForBit(int batch, int inputs, int hidden, boolean tied) {
        Result shared = train(batch, inputs, hidden, tied, true);
        Result plain = train(batch, inputs, hidden, tied, false);
        assertArrayEquals(plain.losses, shared.losses, "losses of the steps");
        for (int p = 0; p < plain.values.size(); p++) {
            assertArrayEquals(plain.values.get(p), shared.values.get(p), "parameter or gradient " + p);
        }
    }

    private record Result(double[] losses, List<float[]> values) {
    }

    /** Three SGD steps by {@code descend}, then one {@code gradient}: losses, parameters and gradients. */
    private static Result train(int batch, int inputs, int hidden, boolean tied, boolean sharing) {
        RowHalves.enabled(sharing);
        SecondCore.resetBackOff();
        Architecture arch = new Architecture(inputs, hidden, tied, Activation.SIGMOID, Activation.SIGMOID,
                Loss.CROSS_ENTROPY);
        try (DenseAutoencoder ae = DenseAutoencoder.initialise(arch, 11, DataType.FLOAT);
                BatchBuffers b = ae.buffers(batch)) {
            INDArray clean = GradientCheckTest.unitData(21, batch, inputs).castTo(DataType.FLOAT);
            double[] losses = new double[4];
            for (int step = 0; step < 3; step++) {
                b.corrupted().assign(clean.mul(0.4 + 0.3 * step));
                losses[step] = ae.descend(b.corrupted(), clean, b, List.of(), 0.5).lossSum();
            }
            losses[3] = ae.gradient(clean, clean, b, List.of()).lossSum();
            List<float[]> values = new java.util.ArrayList<>();
            ae.parameters().forEach(p -> values.add(flat(p)));
            ae.gradients().forEach(g -> values.add(flat(g)));
            values.add(flat(b.hidden()));
            return new Result(losses, values);
        }
    }

    static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }
}
