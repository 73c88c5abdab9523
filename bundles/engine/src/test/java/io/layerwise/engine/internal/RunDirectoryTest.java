package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.stage.Parameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void refusesANonEmptyOutputDirectorySoNothingIsOverwritten() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "precious");
        var e = assertThrows(java.io.IOException.class, () -> RunDirectory.create(out, "x", "{}"));
        assertTrue(e.getMessage().contains("exists and is not empty"));
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void defaultPathsDoNotCollide() throws Exception {
        Path a = RunDirectory.defaultPath(dir, "n");
        Files.createDirectories(a);
        Path b = RunDirectory.defaultPath(dir, "n");
        assertTrue(!a.equals(b) && b.getFileName().toString().startsWith(a.getFileName().toString()));
    }

    @Test
    void historyRecordsEpochsAndStatus() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("r"), "x", "{\"name\":\"x\"}");
        Map<String, Object> stage = run.beginStage(Map.of("type", "dae"));
        run.addEpoch(stage, Map.of("epoch", 1, "loss", 80.5));
        run.finish("done", null);
        String h = Files.readString(dir.resolve("r/history.json"));
        assertTrue(h.contains("\"status\": \"done\"") && h.contains("\"loss\": 80.5"), h);
        assertTrue(Files.exists(dir.resolve("r/pipeline.json")));
    }

    @Test
    void modelFilesHoldLittleEndianFloatsWithChecksums() throws Exception {
        Parameter w = new Parameter("W", new int[] {2, 2}, new float[] {1f, -2f, 3.5f, 0f});
        Parameter b = new Parameter("bh", new int[] {2}, new float[] {0.25f, 7f});
        ModelFiles.write(dir, Map.of("type", "ae"), List.of(w, b));
        byte[] bytes = Files.readAllBytes(dir.resolve("params.bin"));
        assertEquals(24, bytes.length);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3.5f, buf.getFloat(8));
        assertEquals(7f, buf.getFloat(20));
        String model = Files.readString(dir.resolve("model.json"));
        assertTrue(model.contains("\"formatVersion\": 1") && model.contains(ModelFiles.sha256(w.values()))
                && model.contains("\"offset\": 16"), model);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }
}
