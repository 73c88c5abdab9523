package io.layerwise.core.ae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.MemoryEstimate.Pool;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.StageContext;
import io.layerwise.core.nn.BatchBuffers;
import io.layerwise.core.nn.NdArrays;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.testing.AllocatedArrays;
import io.layerwise.core.testing.RecordingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link AutoencoderMemory} against what an {@link AutoencoderStage} really allocates: the ND4J arrays it holds while
 * it trains and while it encodes, and the Java arrays it hands out.
 */
class AutoencoderMemoryTest {
    static final int INPUTS = 784;
    static final int ROWS = 2050; // batch 100: minibatches of 100 and of 50; chunks of 1000 and of 50

    static FloatMatrix rows(int n) {
        Random r = new Random(9);
        float[] v = new float[n * INPUTS];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new FloatMatrix(n, INPUTS, v);
    }

    /**
     * Two moments are measured ({@link AllocatedArrays}): after an epoch of training (parameters, gradients, optimizer
     * arrays, minibatch buffers of both sizes, training rows) and while the rows are encoded chunk by chunk (the same,
     * with a chunk's rows and buffers). The native estimate must cover the larger and be at most a fifth
     * above it (it also counts a weight matrix for restoring and a code chunk's copy).
     */
    @ParameterizedTest(name = "{0}, tied={1}, hidden={2}")
    @CsvSource({"sgd, true, 400", "adam, false, 200", "rmsprop, true, 300"})
    void theEstimateCoversWhatTheStageAllocatesAndIsNotFarAbove(String optimizer, boolean tied, int hidden) {
        Spec json = new Spec("stages[0]", Map.of("hidden", hidden, "tied", tied,
                "train", Map.of("batch", 100, "optimizer", Map.of("kind", optimizer))));
        RecordingContext context = new RecordingContext(INPUTS, ROWS);
        FloatMatrix x = rows(ROWS);
        long[] encoding = {0};
        try (AutoencoderStage stage = AutoencoderStage.create(AutoencoderSpec.read(json, context), json, context,
                Corruption.NONE)) {
            int batches = stage.prepareTraining(x);
            for (int b = 0; b < batches; b++) {
                stage.trainBatch(b);
            }
            long trained = AllocatedArrays.bytes(stage);
            // what evaluate and encode do: a chunk's rows and buffers, beside the stage's own arrays
            Map<Integer, BatchBuffers> kept = new HashMap<>();
            Map<List<Integer>, INDArray> chunks = new HashMap<>();
            RowChunks.sum(x, kept, chunks, stage.autoencoder()::buffers, (rows, b, from) -> {
                stage.autoencoder().encode(rows, b);
                encoding[0] = Math.max(encoding[0], AllocatedArrays.bytes(stage, rows, b));
                return 0;
            });
            kept.values().forEach(BatchBuffers::close);
            chunks.values().forEach(INDArray::close);
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
            long heap = e.bytes(Pool.HEAP);
            assertTrue(heap >= codes && heap <= 2 * codes + 4L * NdArrays.DRAW_BLOCK, "heap " + heap + ", codes " + codes);
        }
    }

    @Test
    void aWeightMatrixBeyondOneArrayIsRefusedNamingHiddenBeforeAnythingIsAllocated() {
        Spec json = new Spec("stages[1]", Map.of("hidden", 65536));
        StageContext context = new RecordingContext(65536, 100);
        SpecException e = assertThrows(SpecException.class, () -> AutoencoderStage.create(
                AutoencoderSpec.read(json, context), json, context, Corruption.NONE));
        assertEquals("stages[1].hidden 65536 makes the weight matrix W of 65536 x 65536 = 4294967296 values, more than"
                + " one array can hold (2147483639); use a smaller stages[1].hidden", e.getMessage());
    }

    @Test
    void largeMinibatchesNameTheBatchField() {
        Spec json = new Spec("stages[0]", Map.of("hidden", 8, "train", Map.of("batch", 100000)));
        RecordingContext context = new RecordingContext(INPUTS, 200000);
        MemoryEstimate e = AutoencoderMemory.estimate(AutoencoderSpec.read(json, context), json, 200000, false);
        assertEquals("stages[0].train.batch", e.field());
        assertEquals("100000", e.value());
        MemoryEstimate small = AutoencoderMemory.estimate(AutoencoderSpec.read(json, context), json, 200000, false);
        assertTrue(small.bytes(Pool.NATIVE) > 0);
    }
}
