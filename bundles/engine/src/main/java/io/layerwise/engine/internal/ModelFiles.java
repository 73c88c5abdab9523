package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
