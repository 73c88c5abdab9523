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

    /**
     * Parameters longer than the chunk the values pass through read back bit for bit, beside shorter ones, each with
     * the same SHA-256 as the whole array's, and the description can be read and sized before any array is.
     */
    @Test
    void parametersLargerThanOneChunkRoundTripAndTheHeaderAloneSaysTheirSize() throws Exception {
        float[] big = new float[2 * ModelFiles.CHUNK + 8]; // 419432 x 5
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i);
        }
        // one buffer and one pass serve every array, whatever their sizes and order
        List<Parameter> params = List.of(new Parameter("a", new int[] {3}, new float[] {-1, 0.5f, 7}),
                new Parameter("W", new int[] {big.length / 5, 5}, big),
                new Parameter("b", new int[] {2}, new float[] {1, 2}));
        ModelFiles.write(dir, Map.of("type", "dae"), params);
        ModelFiles.Header h = ModelFiles.readHeader(dir);
        assertEquals(4L * (3 + big.length + 2), h.parameterBytes());
        for (int i = 0; i < params.size(); i++) {
            assertEquals(ModelFiles.sha256(params.get(i).values()), h.entries().get(i).sha256(), params.get(i).name());
        }
        assertEquals(params, ModelFiles.load(h).parameters());
        java.nio.ByteBuffer whole = java.nio.ByteBuffer.allocate(4 * big.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        whole.asFloatBuffer().put(big);
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(whole.array())), ModelFiles.sha256(big));
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
        assertEquals(dir.resolve("params.bin") + ": 30 bytes, but parameter b of shape [3] (named by " + dir.resolve("model.json")
                + ") needs bytes 24 to 36 (truncated?)", e.getMessage());
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

    /** Writes PARAMS, then sets fields of parameter W (the first) in model.json. */
    @SuppressWarnings("unchecked")
    private Path editW(Map<String, Object> fields) throws Exception {
        ModelFiles.write(dir, Map.of("type", "dae"), PARAMS);
        Path model = dir.resolve("model.json");
        Map<String, Object> json = Json.parseObject(Files.readString(model), model);
        ((Map<String, Object>) ((List<Object>) json.get("parameters")).get(0)).putAll(fields);
        Files.writeString(model, Json.toJson(json));
        return model;
    }

    private Path editW(String field, Object value) throws Exception {
        return editW(Map.of(field, value));
    }

    @Test
    void aModelJsonClaimingATrillionValuesIsRejectedFromTheFileSizeBeforeAnyArrayIsAllocated() throws Exception {
        Path model = editW(Map.of("shape", List.of(1_000_000L, 1_000_000L), "count", 1_000_000_000_000L));
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertEquals(dir.resolve("params.bin") + ": 36 bytes, but parameter W of shape [1000000, 1000000] (named by " + model
                + ") needs bytes 0 to 4000000000000 (truncated?)", e.getMessage());
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 64L << 20, "no large allocation: " + (after - before) + " bytes");
    }

    @Test
    void aCountThatOverflowsAnIntIsRejectedNotWrappedToANegativeArraySize() throws Exception {
        editW("count", 4_294_967_302L); // 2^32 + 6: intValue() would be 6
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertTrue(e.getMessage().contains("parameter W: shape [2, 3] holds 6 values, but count is 4294967302"), e.getMessage());
    }

    @Test
    void aNegativeDimensionOrOffsetIsNamed() throws Exception {
        editW("shape", List.of(-2L, -3L));
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertTrue(e.getMessage().contains("parameter W: shape[0] must be in [0, 2147483647], got -2"), e.getMessage());
        editW("offset", -4L);
        e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertTrue(e.getMessage().contains("parameter W of shape [2, 3]") && e.getMessage().contains("needs bytes -4"),
                e.getMessage());
    }

    @Test
    void wrongTypesInTheParameterListAreNamedNotACastFailure() throws Exception {
        editW("shape", "2x3");
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertEquals(dir.resolve("model.json") + ": parameter W: shape must be a list of 1 to 8 sizes, got 2x3", e.getMessage());
        editW("count", 6.5);
        e = assertThrows(IOException.class, () -> ModelFiles.read(dir));
        assertEquals(dir.resolve("model.json") + ": parameter W: count must be a whole number, got 6.5", e.getMessage());
    }

    @Test
    void theParameterFileMustLieBesideModelJson() throws Exception {
        Files.writeString(dir.resolve("outside.bin"), "x");
        Path inner = Files.createDirectories(dir.resolve("m"));
        ModelFiles.write(inner, Map.of(), PARAMS);
        Path model = inner.resolve("model.json");
        Files.writeString(model, Files.readString(model).replace("\"paramsFile\": \"params.bin\"",
                "\"paramsFile\": \"../outside.bin\""));
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(inner));
        assertEquals(model + ": paramsFile must name a file beside model.json, got ../outside.bin", e.getMessage());
    }

    @Test
    void aParameterFileThatIsASymbolicLinkIsRefused() throws Exception {
        Path inner = Files.createDirectories(dir.resolve("m"));
        ModelFiles.write(inner, Map.of(), PARAMS);
        Files.move(inner.resolve("params.bin"), dir.resolve("elsewhere.bin"));
        Files.createSymbolicLink(inner.resolve("params.bin"), dir.resolve("elsewhere.bin"));
        IOException e = assertThrows(IOException.class, () -> ModelFiles.read(inner));
        assertTrue(e.getMessage().startsWith(inner.resolve("params.bin") + ": missing or not a plain file"), e.getMessage());
    }
}
