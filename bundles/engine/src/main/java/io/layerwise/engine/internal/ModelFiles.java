package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import io.layerwise.data.files.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A stage's saved model: {@code params.bin} holds every parameter as little-endian float32, one after the
 * other; {@code model.json} (written last, so its presence means the model is complete) records the format
 * version, the stage type and bundle, the resolved spec, and each parameter's shape, offset and SHA-256.
 * Data only, never code: no Java serialization.
 */
final class ModelFiles {
    static final String FORMAT = "layerwise-model";
    static final int FORMAT_VERSION = 1;
    /** model.json lists shapes and checksums; a few KiB in practice. */
    static final long MAX_JSON_BYTES = 16L << 20;
    /** params.bin is read into one array. */
    static final long MAX_PARAMS_BYTES = Integer.MAX_VALUE - 8;
    private static final Pattern PLAIN_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

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
     * expected and found values. Every size in {@code model.json} is checked against the real length of
     * {@code params.bin} before anything is allocated from it, so a file claiming 10^12 values costs nothing.
     */
    static Saved read(Path dir) throws IOException {
        Path json = dir.resolve("model.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException(json + ": missing; the model in " + dir + " was never completed");
        }
        long jsonSize = Files.size(json);
        if (jsonSize > MAX_JSON_BYTES) {
            throw new IOException(json + ": " + jsonSize + " bytes, more than the " + MAX_JSON_BYTES
                    + " a model description can need; not a model.json written by Layerwise");
        }
        Map<String, Object> model = Json.parseObject(Files.readString(json), json);
        if (!FORMAT.equals(model.get("format"))) {
            throw new IOException(json + ": format is " + model.get("format") + ", expected " + FORMAT);
        }
        if (!(model.get("formatVersion") instanceof Number v) || v.intValue() != FORMAT_VERSION) {
            throw new IOException(json + ": formatVersion is " + model.get("formatVersion") + ", this engine reads "
                    + FORMAT_VERSION);
        }
        Object paramsFile = model.getOrDefault("paramsFile", "params.bin");
        if (!(paramsFile instanceof String name) || !PLAIN_FILE_NAME.matcher(name).matches()) {
            throw new IOException(json + ": paramsFile must name a file beside model.json, got " + paramsFile);
        }
        Path bin = dir.resolve(name);
        if (!Files.isRegularFile(bin, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(bin + ": missing or not a plain file (named by " + json + ")");
        }
        long size = Files.size(bin);
        List<Entry> entries = entries(model, json, bin, size);
        byte[] bytes = Files.readAllBytes(bin); // size checked above: exactly what the entries describe
        if (bytes.length != size) {
            throw new IOException(bin + ": changed while it was read (" + size + " then " + bytes.length + " bytes)");
        }
        List<Parameter> parameters = new ArrayList<>();
        for (Entry e : entries) {
            float[] values = new float[e.count];
            ByteBuffer.wrap(bytes, (int) e.offset, 4 * e.count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            String found = sha256(values);
            if (!found.equals(e.sha256)) {
                throw new IOException(bin + ": parameter " + e.name + " has SHA-256 " + found + ", " + json + " records "
                        + e.sha256 + " (the file was changed or damaged)");
            }
            parameters.add(new Parameter(e.name, e.shape, values));
        }
        return new Saved(model, parameters);
    }

    /** One parameter as model.json describes it, checked against the parameter file's real size. */
    private record Entry(String name, int[] shape, long offset, int count, String sha256) {
    }

    /**
     * The parameter list of model.json, every field typed and every size checked against {@code binSize} (the
     * real length of params.bin) and the largest array, before any array exists.
     */
    private static List<Entry> entries(Map<String, Object> model, Path json, Path bin, long binSize) throws IOException {
        if (!(model.get("parameters") instanceof List<?> list)) {
            throw new IOException(json + ": parameters must be a list of {name, shape, offset, count, sha256}, got "
                    + model.get("parameters"));
        }
        if (binSize > MAX_PARAMS_BYTES) {
            throw new IOException(bin + ": " + binSize + " bytes, more than the " + MAX_PARAMS_BYTES
                    + " one parameter file can hold");
        }
        List<Entry> entries = new ArrayList<>();
        long expectedSize = 0;
        for (int i = 0; i < list.size(); i++) {
            String where = json + ": parameters[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> e)) {
                throw new IOException(where + " must be an object, got " + list.get(i));
            }
            String name = e.get("name") instanceof String s ? s : null;
            if (name == null || name.isEmpty()) {
                throw new IOException(where + ".name must be a non-empty string, got " + e.get("name"));
            }
            where = json + ": parameter " + name;
            if (!(e.get("shape") instanceof List<?> dims) || dims.isEmpty() || dims.size() > 8) {
                throw new IOException(where + ": shape must be a list of 1 to 8 sizes, got " + e.get("shape"));
            }
            int[] shape = new int[dims.size()];
            long product = 1;
            for (int d = 0; d < shape.length; d++) {
                long dim = whole(dims.get(d), where + ": shape[" + d + "]");
                if (dim < 0 || dim > Integer.MAX_VALUE) {
                    throw new IOException(where + ": shape[" + d + "] must be in [0, " + Integer.MAX_VALUE + "], got "
                            + dims.get(d));
                }
                shape[d] = (int) dim;
                product = product == 0 || dim == 0 ? 0 : multiplyCapped(product, dim);
            }
            long count = whole(e.get("count"), where + ": count");
            long offset = whole(e.get("offset"), where + ": offset");
            if (count != product) {
                throw new IOException(where + ": shape " + dims + " holds " + describeProduct(product) + " values, but count is "
                        + e.get("count"));
            }
            if (offset < 0 || count > (binSize - Math.min(offset, binSize)) / 4) {
                long end = count > (Long.MAX_VALUE - Math.max(0, offset)) / 4 ? Long.MAX_VALUE : offset + 4 * count;
                throw new IOException(bin + ": " + binSize + " bytes, but parameter " + name + " of shape " + dims
                        + " (named by " + json + ") needs bytes " + offset + " to " + describeProduct(end) + " (truncated?)");
            }
            if (offset != expectedSize) {
                throw new IOException(where + ": offset is " + offset + ", expected " + expectedSize
                        + " (parameters are stored one after the other)");
            }
            if (!(e.get("sha256") instanceof String sha) || !SHA256_HEX.matcher(sha).matches()) {
                throw new IOException(where + ": sha256 must be 64 hex digits, got " + e.get("sha256"));
            }
            expectedSize = offset + 4 * count;
            entries.add(new Entry(name, shape, offset, (int) count, sha));
        }
        if (binSize != expectedSize) {
            throw new IOException(bin + ": " + binSize + " bytes, " + json + " describes " + expectedSize);
        }
        return entries;
    }

    /** A JSON number that is a whole number (Gson gives long or double). */
    private static long whole(Object o, String what) throws IOException {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p62) {
            return d.longValue();
        }
        throw new IOException(what + " must be a whole number, got " + o);
    }

    /** a * b for positive a, b, saturating at Long.MAX_VALUE (a claim that large is rejected anyway). */
    private static long multiplyCapped(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    private static String describeProduct(long n) {
        return n == Long.MAX_VALUE ? "more than 2^63" : Long.toString(n);
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
