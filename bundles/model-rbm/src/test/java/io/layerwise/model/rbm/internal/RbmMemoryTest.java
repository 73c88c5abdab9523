package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.MemoryEstimate.Pool;
import io.layerwise.api.stage.Parameter;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.testing.AllocatedArrays;
import io.layerwise.core.testing.RecordingContext;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RbmMemory} against what an {@link RbmStage} allocates ({@link AllocatedArrays}): after an epoch of training and
 * while rows are encoded chunk by chunk; and the copies it hands out.
 */
class RbmMemoryTest {
    static final int INPUTS = 784;
    static final int ROWS = 2030; // batch 100: minibatches of 100 and 30; chunks of 1000 and 30

    static FloatMatrix rows(int n) {
        Random r = new Random(4);
        float[] v = new float[n * INPUTS];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new FloatMatrix(n, INPUTS, v);
    }

    @ParameterizedTest(name = "{0}, persistent={1}, hidden={2}")
    @CsvSource({"sgd, false, 500", "adam, true, 300", "sgd, true, 200"})
    void theEstimateCoversWhatTheStageAllocatesAndIsNotFarAbove(String optimizer, boolean persistent, int hidden) {
        Spec json = new Spec("stages[0]", Map.of("hidden", hidden, "persistent", persistent,
                "train", Map.of("batch", 100, "optimizer", Map.of("kind", optimizer))));
        RecordingContext context = new RecordingContext(INPUTS, ROWS);
        FloatMatrix x = rows(ROWS);
        long[] encoding = {0};
        try (RbmStage stage = (RbmStage) new RbmStageProvider().create(json, context)) {
            int batches = stage.prepareTraining(x);
            for (int b = 0; b < batches; b++) {
                stage.trainBatch(b);
            }
            long trained = AllocatedArrays.bytes(stage);
            // what evaluation and encoding leave in the stage: each chunk size's rows, buffers and free-energy scratch
            stage.loss(x);
            stage.pseudoLogLikelihood(x);
            stage.encode(x);
            encoding[0] = AllocatedArrays.bytes(stage);

            assertEquals(1, context.reserved.size());
            MemoryEstimate e = context.reserved.get(0);
            long estimated = e.bytes(Pool.NATIVE);
            long peak = Math.max(trained, encoding[0]);
            String facts = "estimated " + estimated + ", allocated " + trained + " after training, " + encoding[0]
                    + " while encoding: " + e;
            assertTrue(estimated >= peak, facts);
            assertTrue(estimated <= 1.2 * peak, facts);

            long parameterBytes = 0;
            for (Parameter p : stage.parameters()) {
                parameterBytes += 4L * p.values().length;
            }
            assertEquals(parameterBytes, e.parameterBytes());
            long stateBytes = 0;
            for (Parameter p : stage.trainingState().arrays()) {
                stateBytes += 4L * p.values().length;
            }
            assertEquals(stateBytes, e.stateBytes());
            long codes = stage.encode(x).data().length * 4L;
            assertTrue(e.bytes(Pool.HEAP) >= codes, "heap " + e.bytes(Pool.HEAP) + ", codes " + codes);
        }
    }

    @Test
    void theDocumentedMaximumOfHiddenUnitsAfterAWideStageIsRefusedNamingHidden() {
        Spec json = new Spec("stages[1]", Map.of("hidden", 1048576));
        RecordingContext context = new RecordingContext(4096, 10);
        SpecException e = assertThrows(SpecException.class, () -> new RbmStageProvider().create(json, context));
        assertEquals("stages[1].hidden", e.path());
        assertTrue(e.getMessage().startsWith("stages[1].hidden 1048576 makes the weight matrix W of 4096 x 1048576"),
                e.getMessage());
        assertTrue(context.reserved.isEmpty());
    }
}
