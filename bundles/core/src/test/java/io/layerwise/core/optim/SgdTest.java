package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.nn.Level1;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SgdTest {

    /**
     * The reference figures (DAE 75.3, RBM 67.4, ...) were measured with the update that {@code core.nn.Sgd} did
     * before the optimizers moved here: plain {@code axpy(-lr, g, p)}; momentum {@code v *= mu; axpy(-lr, g, v);
     * p += v}. Same operations in the same order, so the same float32 bits. With momentum that is the plain path; the
     * fused loop that whole float32 arrays take is checked against it in {@link SgdFusedTest}.
     */
    @ParameterizedTest(name = "momentum={0}")
    @ValueSource(doubles = {0, 0.5})
    void plainAndMomentumUpdatesAreBitIdenticalToTheFormerSgd(double momentum) {
        double lr = 0.1;
        Nd4j.getRandom().setSeed(42);
        try (INDArray p = Nd4j.rand(DataType.FLOAT, 50, 40); INDArray q = p.dup(); INDArray v = Nd4j.zeros(DataType.FLOAT, 50, 40);
                Sgd sgd = new Sgd(new Sgd.Options(lr, momentum), List.of(p))) {
            sgd.plainOnly(true);
            for (int t = 0; t < 5; t++) {
                try (INDArray g = Nd4j.rand(DataType.FLOAT, 50, 40).subi(0.5)) {
                    if (t == 2) {
                        sgd.startEpoch(1); // a constant schedule changes nothing
                    }
                    sgd.step(List.of(p), List.of(g));
                    if (momentum == 0) {
                        Level1.axpy(-lr, g, q);
                    } else {
                        v.muli(momentum);
                        Level1.axpy(-lr, g, v);
                        q.addi(v);
                    }
                }
            }
            assertArrayEquals(q.data().asFloat(), p.data().asFloat());
        }
    }

    @Test
    void onlyPlainSgdOffersItsRateForAStepTheTrainerTakes() {
        try (INDArray p = Nd4j.zeros(DataType.FLOAT, 2, 3);
                Sgd plain = new Sgd(new Sgd.Options(0.1, 0), new Schedule.Step(1, 0.1), List.of(p));
                Sgd momentum = new Sgd(new Sgd.Options(0.1, 0.5), List.of(p));
                Optimizer adam = new Adam.Options(0.1, 0.9, 0.999, 1e-8).create(List.of(p), new Schedule.Constant())) {
            assertEquals(0.1, plain.plainRate().getAsDouble());
            plain.stepTaken();
            plain.stepTaken();
            assertEquals(2, plain.steps());
            plain.beginBatch(0);
            plain.beginBatch(0); // epoch 1: the scheduled rate
            assertEquals(0.1 * 0.1, plain.plainRate().getAsDouble(), 1e-12);
            assertTrue(momentum.plainRate().isEmpty());
            assertTrue(adam.plainRate().isEmpty());
            assertEquals("adam keeps state or scales its steps: call step, not stepTaken",
                    assertThrows(IllegalStateException.class, adam::stepTaken).getMessage());
            assertEquals(0, adam.steps());
        }
    }

    @Test
    void minibatchTakesTheFusedPathOnlyForPlainSgd() {
        try (INDArray p = Nd4j.ones(DataType.FLOAT, 1, 3);
                INDArray g = Nd4j.ones(DataType.FLOAT, 1, 3);
                Sgd plain = new Sgd(new Sgd.Options(0.25, 0), List.of(p));
                Sgd momentum = new Sgd(new Sgd.Options(0.25, 0.5), List.of(p))) {
            String fused = plain.minibatch(List.of(p), List.of(g), rate -> "fused at " + rate, () -> "gradient");
            assertEquals("fused at 0.25", fused);
            assertEquals(1, plain.steps());
            assertArrayEquals(new float[] {1, 1, 1}, p.data().asFloat(), "the fused function owns the update");
            String stepped = momentum.minibatch(List.of(p), List.of(g), rate -> "fused", () -> "gradient");
            assertEquals("gradient", stepped);
            assertEquals(1, momentum.steps());
            assertArrayEquals(new float[] {0.75f, 0.75f, 0.75f}, p.data().asFloat(), "step applied the gradient");
        }
    }

    @Test
    void optionsNameTheOffendingField() {
        assertEquals("lr must be positive, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Sgd.Options(0, 0)).getMessage());
        assertEquals("momentum must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Sgd.Options(0.1, 1)).getMessage());
        assertEquals("momentum must be in (0, 1) for nesterov, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Sgd.Options(0.1, 0, true)).getMessage());
        assertEquals("beta2 must be in [0, 1), got 1.0", assertThrows(IllegalArgumentException.class,
                () -> new Adam.Options(0.1, 0.9, 1, 1e-8)).getMessage());
        assertEquals("rho must be in [0, 1), got -0.1", assertThrows(IllegalArgumentException.class,
                () -> new RmsProp.Options(0.1, -0.1, 1e-8)).getMessage());
        assertEquals("eps must be positive, got 0.0", assertThrows(IllegalArgumentException.class,
                () -> new AdaGrad.Options(0.1, 0)).getMessage());
    }
}
