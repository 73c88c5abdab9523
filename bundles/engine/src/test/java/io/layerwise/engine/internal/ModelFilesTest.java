package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.stage.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir
    Path dir;

    static final List<Parameter> PARAMS = List.of(
            new Parameter("W", new int[] {2, 3}, new float[] {1.5f, -0.25f, Float.MIN_VALUE, 3e-38f, -7f, 1f / 3}),
            new Parameter("b", new int[] {3}, new float[] {0.1f, 0.2f, -0.3f}));

    @Test
    void writtenParametersReadBackBitIdentically() throws Exception {
        ModelFiles.write(dir, Map.of("type", "dae"), PARAMS);
        ModelFiles.Saved saved = ModelFiles.read(dir);
        assertEquals(PARAMS, saved.parameters());
        assertEquals("dae", saved.header().get("type"));
    }

    @Test
    void aChangedByteIsCaughtByTheChecksumAndTheMessageNamesTheFileAndParameter() throws Exception {
        ModelFiles.write(dir, Map.of(), PARAMS);
        byte[] bytes = Files.readAllBytes(dir.resolve("params.bin"));
        bytes[26] ^= 1; // inside b
        Files.write(dir.resolve("params.bin"), bytes);
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("params.bin") + ": parameter b has SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().contains("(the file was changed or damaged)"), e.getMessage());
    }

    @Test
    void aTruncatedParameterFileIsNamedWithTheBytesItLacks() throws Exception {
        ModelFiles.write(dir, Map.of(), PARAMS);
        Files.write(dir.resolve("params.bin"), java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("params.bin")), 30));
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertEquals(dir.resolve("params.bin") + ": 30 bytes, but parameter b needs bytes 24 to 36 (truncated?)", e.getMessage());
    }

    @Test
    void extraBytesAreRejectedToo() throws Exception {
        ModelFiles.write(dir, Map.of(), PARAMS);
        Files.write(dir.resolve("params.bin"), new byte[4], java.nio.file.StandardOpenOption.APPEND);
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertEquals(dir.resolve("params.bin") + ": 40 bytes, " + dir.resolve("model.json") + " describes 36", e.getMessage());
    }

    @Test
    void anotherFormatVersionNamesTheExpectedAndFoundValues() throws Exception {
        ModelFiles.write(dir, Map.of(), PARAMS);
        Path json = dir.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"formatVersion\": 1", "\"formatVersion\": 7"));
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertEquals(json + ": formatVersion is 7, this engine reads 1", e.getMessage());
    }

    @Test
    void aModelWithoutModelJsonWasNeverCompleted() {
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertEquals(dir.resolve("model.json") + ": missing; the model in " + dir + " was never completed", e.getMessage());
    }
}
