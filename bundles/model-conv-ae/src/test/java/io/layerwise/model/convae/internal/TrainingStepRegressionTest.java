package io.layerwise.model.convae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The W5 network (config/pipelines/mnist-conv-ae-2d.json, seed 42) trained for five minibatches of 128 on fixed
 * synthetic digits, then scored on 200 held-out ones (running batch-norm statistics), against the figures the
 * ND4J-op layers gave before the Java kernels replaced them (commit 8b78651): the kernels reorder float sums, so the
 * figures agree to float rounding grown over five Adam steps, not bit for bit. Tolerance 1e-4 relative.
 */
class TrainingStepRegressionTest {
    /** Recorded with the ND4J-op layers (8b78651): sum of the per-sample losses of the five minibatches. */
    static final double TRAIN_LOSS_BEFORE = 657.5552675073922;
    /** Recorded with the ND4J-op layers (8b78651): testSquaredError on the held-out rows after the five steps. */
    static final double HELD_OUT_BEFORE = 0.8559436811773375;

    /** Blobs of ink in [-1, 1] at random places: smooth like digits, different per row, fixed by the seed. */
    static FloatMatrix digits(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * 784];
        for (int n = 0; n < rows; n++) {
            double ci = 6 + 16 * r.nextDouble(), cj = 6 + 16 * r.nextDouble(), s = 2 + 4 * r.nextDouble();
            double di = 6 + 16 * r.nextDouble(), dj = 6 + 16 * r.nextDouble();
            for (int i = 0; i < 28; i++) {
                for (int j = 0; j < 28; j++) {
                    double a = Math.exp(-((i - ci) * (i - ci) + (j - cj) * (j - cj)) / (2 * s * s));
                    double b = Math.exp(-((i - di) * (i - di) + (j - dj) * (j - dj)) / (2 * s));
                    v[n * 784 + i * 28 + j] = (float) (2 * Math.min(1, a + b) - 1);
                }
            }
        }
        return new FloatMatrix(rows, 784, v);
    }

    @Test
    void fiveW5StepsGiveTheLossesOfThePlainLayers() throws Exception {
        try (ConvAeStage s = ConvAeStageTest.create(ConvAeStageTest.pipelineStage("mnist-conv-ae-2d.json"), 784,
                Dataset.REAL)) {
            s.prepareTraining(digits(640, 1));
            double train = 0;
            for (int b = 0; b < 5; b++) {
                train += s.trainBatch(b);
            }
            double heldOut = s.evaluate(digits(200, 2)).get("testSquaredError");
            System.out.println("REGRESSION train " + train + " heldOut " + heldOut);
            assertEquals(TRAIN_LOSS_BEFORE, train, 1e-4 * TRAIN_LOSS_BEFORE, "sum of the five minibatch losses");
            assertEquals(HELD_OUT_BEFORE, heldOut, 1e-4 * HELD_OUT_BEFORE, "testSquaredError after five steps");
        }
    }
}
