package io.layerwise.finetune.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpNetworkTest {

    /** Two Gaussian blobs per class in 8 dimensions: separable, so training must drive the error to zero. */
    static FloatMatrix blobs(int n, int[] labels, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 8];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 8; j++) {
                x[i * 8 + j] = (float) ((j % 3 == labels[i] ? 2.0 : 0.0) + 0.3 * r.nextGaussian());
            }
        }
        return new FloatMatrix(n, 8, x);
    }

    @Test
    void trainingASeparableProblemReachesZeroErrorAndLowersTheLoss() {
        int[] labels = new int[90];
        FloatMatrix x = blobs(90, labels, 1);
        Spec spec = new Spec("finetune", Map.of("hidden", List.of(6), "epochs", 40, "batch", 10));
        try (Network net = new SoftmaxFineTuner().create(spec, List.of(), List.of(), 8, 3, 5)) {
            double before = net.loss(x, labels);
            int batches = net.prepareTraining(x, labels);
            assertEquals(9, batches);
            for (int e = 0; e < net.epochs(); e++) {
                for (int b = 0; b < batches; b++) {
                    net.trainBatch(b);
                }
            }
            double after = net.loss(x, labels);
            assertTrue(after < before / 5, before + " -> " + after);
            assertArrayEquals(labels, net.predict(x));
            assertEquals(List.of("W1", "b1", "Wout", "bout"), net.parameters().stream().map(p -> p.name()).toList());
        }
    }

    /**
     * Evaluation keeps its work buffers between calls, in the map the training buffers are in: ten rows (the batch size)
     * share the training's buffers. Evaluations between the steps equal those of a fresh network with the same
     * parameters, and leave the training bit for bit as it is without them.
     */
    @Test
    void evaluationsBetweenStepsEqualAFreshNetworksAndLeaveTheTrainingAlone() {
        int[] labels = new int[90];
        FloatMatrix x = blobs(90, labels, 1);
        int[] firstLabels = Arrays.copyOf(labels, 10);
        FloatMatrix first = new FloatMatrix(10, 8, Arrays.copyOf(x.data(), 80));
        Spec spec = new Spec("finetune", Map.of("hidden", List.of(6), "epochs", 3, "batch", 10));
        try (Network evaluated = new SoftmaxFineTuner().create(spec, List.of(), List.of(), 8, 3, 5);
                Network plain = new SoftmaxFineTuner().create(spec, List.of(), List.of(), 8, 3, 5)) {
            evaluated.prepareTraining(x, labels);
            plain.prepareTraining(x, labels);
            for (int b = 0; b < 9; b++) {
                evaluated.trainBatch(b);
                plain.trainBatch(b);
                double loss = evaluated.loss(first, firstLabels);
                int[] predicted = evaluated.predict(x);
                try (Network fresh = new SoftmaxFineTuner().create(spec, List.of(), List.of(), 8, 3, 5)) {
                    fresh.restore(evaluated.parameters());
                    assertEquals(fresh.loss(first, firstLabels), loss, 0.0, "loss after batch " + b);
                    assertArrayEquals(fresh.predict(x), predicted, "predictions after batch " + b);
                }
            }
            for (int i = 0; i < plain.parameters().size(); i++) {
                assertArrayEquals(plain.parameters().get(i).values(), evaluated.parameters().get(i).values(),
                        plain.parameters().get(i).name());
            }
        }
    }

    @Test
    void adamWithACosineScheduleTrainsTheClassifier() {
        int[] labels = new int[90];
        FloatMatrix x = blobs(90, labels, 1);
        Spec spec = new Spec("finetune", Map.of("hidden", List.of(6), "epochs", 20, "batch", 10,
                "optimizer", Map.of("kind", "adam", "lr", 0.01, "schedule", Map.of("kind", "cosine", "minLr", 0.001))));
        try (MlpNetwork net = (MlpNetwork) new SoftmaxFineTuner().create(spec, List.of(), List.of(), 8, 3, 5)) {
            spec.rejectUnknownFields();
            double before = net.loss(x, labels);
            int batches = net.prepareTraining(x, labels);
            for (int e = 0; e < net.epochs(); e++) {
                for (int b = 0; b < batches; b++) {
                    net.trainBatch(b);
                }
            }
            double after = net.loss(x, labels);
            assertTrue(after < before / 5, before + " -> " + after);
            assertArrayEquals(labels, net.predict(x));
            assertEquals(19, net.optimizer().epoch());
            assertEquals(new io.layerwise.core.optim.Schedule.Cosine(0.001, 20).lr(0.01, 19), net.optimizer().learningRate());
        }
    }

    @Test
    void badFieldsAreNamedByTheirJsonPath() {
        SoftmaxFineTuner tuner = new SoftmaxFineTuner();
        SpecException e = assertThrows(SpecException.class,
                () -> tuner.create(new Spec("finetune", Map.of("hidden", List.of(10, 0))), List.of(), List.of(), 8, 3, 1));
        assertEquals("finetune.hidden[1] must be in [1, 65536], got 0", e.getMessage());
        e = assertThrows(SpecException.class, () -> tuner.create(
                new Spec("finetune", Map.of("optimizer", Map.of("lr", -1.0))), List.of(), List.of(), 8, 3, 1));
        assertTrue(e.getMessage().startsWith("finetune.optimizer.lr must be in (0, "), e.getMessage());
        e = assertThrows(SpecException.class, () -> tuner.create(
                new Spec("finetune", Map.of("optimizer", Map.of("kind", "adam", "beta1", 1))), List.of(), List.of(), 8, 3, 1));
        assertEquals("finetune.optimizer.beta1 must be in [0, 1), got 1.0", e.getMessage());
        e = assertThrows(SpecException.class, () -> tuner.create(
                new Spec("finetune", Map.of("optimizer", Map.of("rho", 0.9))), List.of(), List.of(), 8, 3, 1));
        assertEquals("finetune.optimizer.rho does not apply to kind \"sgd\" (only to rmsprop); sgd takes lr, momentum",
                e.getMessage());
    }

    @Test
    void aLabelOutsideTheClassesIsRejectedWithItsRow() {
        try (Network net = new SoftmaxFineTuner().create(new Spec("finetune", Map.of()), List.of(), List.of(), 8, 3, 5)) {
            int[] labels = new int[6];
            FloatMatrix x = blobs(6, labels, 2);
            labels[4] = 3;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.prepareTraining(x, labels));
            assertEquals("label 3 of row 4 is not in [0, 3)", e.getMessage());
        }
    }
}
