package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import io.layerwise.data.files.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage's saved model: {@code params.bin} holds every parameter as little-endian float32, one after the
 * other; {@code model.json} (written last, so its presence means the model is complete) records the format
 * version, the stage type and bundle, the resolved spec, and each parameter's shape, offset and SHA-256.
 * Data only, never code: no Java serialization.
 */
final class ModelFiles {
    static final String FORMAT = "layerwise-model";
    static final int FORMAT_VERSION = 1;

    private ModelFiles() {
    }

    static void write(Path dir, Map<String, Object> header, List<Parameter> parameters) throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        long offset = 0;
        for (Parameter p : parameters) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", p.name());
            e.put("shape", p.shape());
            e.put("offset", offset);
            e.put("count", p.values().length);
            e.put("sha256", sha256(p.values()));
            entries.add(e);
            offset += 4L * p.values().length;
        }
        AtomicFiles.write(dir.resolve("params.bin"), out -> {
            for (Parameter p : parameters) {
                ByteBuffer buf = ByteBuffer.allocate(4 * p.values().length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(p.values());
                out.write(buf.array());
            }
        });
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("format", FORMAT);
        model.put("formatVersion", FORMAT_VERSION);
        model.putAll(header);
        model.put("paramsFile", "params.bin");
        model.put("parameters", entries);
        AtomicFiles.writeString(dir.resolve("model.json"), Json.toJson(model));
    }

    /** A model read back: its {@code model.json} and its parameters, each checked against its recorded SHA-256. */
    record Saved(Map<String, Object> header, List<Parameter> parameters) {
    }

    /**
     * Reads a model directory written by {@link #write}. Every defect (missing or incomplete files, another format
     * or version, a size or checksum that does not match) is an {@link IOException} naming the file and the
     * expected and found values.
     */
    static Saved read(Path dir) throws IOException {
        Path json = dir.resolve("model.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException(json + ": missing; the model in " + dir + " was never completed");
        }
        Map<String, Object> model = Json.parseObject(Files.readString(json), json);
        if (!FORMAT.equals(model.get("format"))) {
            throw new IOException(json + ": format is " + model.get("format") + ", expected " + FORMAT);
        }
        if (!(model.get("formatVersion") instanceof Number v) || v.intValue() != FORMAT_VERSION) {
            throw new IOException(json + ": formatVersion is " + model.get("formatVersion") + ", this engine reads "
                    + FORMAT_VERSION);
        }
        Path bin = dir.resolve(String.valueOf(model.getOrDefault("paramsFile", "params.bin")));
        if (!bin.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(bin)) {
            throw new IOException(bin + ": missing (named by " + json + ")");
        }
        try {
            return new Saved(model, parameters(model, Files.readAllBytes(bin), bin, json));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new IOException(json + ": malformed parameter list (" + e.getMessage() + ")", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Parameter> parameters(Map<String, Object> model, byte[] bytes, Path bin, Path json)
            throws IOException {
        List<Parameter> parameters = new ArrayList<>();
        long expectedSize = 0;
        for (Object o : (List<Object>) model.get("parameters")) {
            Map<String, Object> e = (Map<String, Object>) o;
            String name = String.valueOf(e.get("name"));
            int[] shape = ((List<Object>) e.get("shape")).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
            long offset = ((Number) e.get("offset")).longValue();
            int count = ((Number) e.get("count")).intValue();
            expectedSize = Math.max(expectedSize, offset + 4L * count);
            if (offset + 4L * count > bytes.length) {
                throw new IOException(bin + ": " + bytes.length + " bytes, but parameter " + name + " needs bytes " + offset
                        + " to " + (offset + 4L * count) + " (truncated?)");
            }
            float[] values = new float[count];
            ByteBuffer.wrap(bytes, (int) offset, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            String found = sha256(values);
            if (!found.equals(e.get("sha256"))) {
                throw new IOException(bin + ": parameter " + name + " has SHA-256 " + found + ", " + json + " records "
                        + e.get("sha256") + " (the file was changed or damaged)");
            }
            parameters.add(new Parameter(name, shape, values));
        }
        if (bytes.length != expectedSize) {
            throw new IOException(bin + ": " + bytes.length + " bytes, " + json + " describes " + expectedSize);
        }
        return parameters;
    }

    static String sha256(float[] values) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(values);
            return HexFormat.of().formatHex(md.digest(buf.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required of every JVM", e);
        }
    }
}
