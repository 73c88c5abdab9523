package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.data.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scaling.json} in a run directory: the per-column scaling the data source fitted on the training rows, so
 * that {@code encode} and {@code reconstruct} treat new rows as the run's data were treated.
 */
final class ScalingFile {
    static final String NAME = "scaling.json";

    private ScalingFile() {
    }

    static void write(Path runDir, Dataset.Scaling scaling) throws IOException {
        if (scaling == null) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", scaling.kind());
        m.put("offset", scaling.offset());
        m.put("factor", scaling.factor());
        AtomicFiles.writeString(runDir.resolve(NAME), Json.toJson(m));
    }

    /** The run's scaling, or null when its data were not scaled. */
    static Dataset.Scaling read(Path runDir) throws IOException {
        Path file = runDir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Map<String, Object> m = Json.parseObject(Files.readString(file), file);
        if (!(m.get("kind") instanceof String kind) || !(m.get("offset") instanceof List<?> offset)
                || !(m.get("factor") instanceof List<?> factor) || offset.size() != factor.size()) {
            throw new IOException(file + ": expected kind, and offset and factor lists of one length");
        }
        return new Dataset.Scaling(kind, floats(offset, file), floats(factor, file));
    }

    private static float[] floats(List<?> values, Path file) throws IOException {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(values.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new IOException(file + ": value " + i + " is not a finite number: " + values.get(i));
            }
            out[i] = n.floatValue();
        }
        return out;
    }
}
