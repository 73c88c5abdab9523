package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.TrainingState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path stageDir;

    private static List<Parameter> w(float v) {
        return List.of(new Parameter("W", new int[] {1, 2}, new float[] {v, v}));
    }

    @Test
    void aCheckpointInsideTheFirstEpochIsTheLatestAndSaysSo() throws Exception {
        Checkpoints.write(stageDir, 0, 100, w(1), TrainingState.NONE, null, Map.of());
        Checkpoints.write(stageDir, 0, 300, w(3), TrainingState.NONE, null, Map.of("partialSum", 12.5));
        Checkpoints.Checkpoint c = Checkpoints.latest(stageDir, line -> { }).orElseThrow();
        assertEquals(0, c.epoch());
        assertEquals(300, c.batch());
        assertArrayEquals(new float[] {3, 3}, c.parameters().get(0).values());
        assertEquals(12.5, ((Number) c.loop().get("partialSum")).doubleValue());
        assertEquals("300 minibatches of epoch 1", c.position());
    }

    @Test
    void positionsNameTheFinishedEpochAndTheMinibatchesAfterIt() throws Exception {
        Checkpoints.write(stageDir, 3, 0, w(1), TrainingState.NONE, null, Map.of());
        assertEquals("epoch 3", Checkpoints.latest(stageDir, line -> { }).orElseThrow().position());
        Checkpoints.write(stageDir, 3, 120, w(1), TrainingState.NONE, null, Map.of());
        assertEquals("epoch 3 and 120 minibatches of epoch 4", Checkpoints.latest(stageDir, line -> { }).orElseThrow().position());
    }
}
