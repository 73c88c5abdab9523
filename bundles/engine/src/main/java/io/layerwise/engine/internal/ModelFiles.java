package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import io.layerwise.data.files.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    /** Each parameter is read into one array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Floats that pass through the heap at once when a model is written or read: 4 MiB. */
    static final int CHUNK = 1 << 20;
    private static final Pattern PLAIN_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private ModelFiles() {
    }

    /**
     * Writes {@code params.bin}, then {@code model.json}. The values pass once through one buffer of at most
     * {@link #CHUNK} floats, into the SHA-256 and the file together, so saving needs no heap beyond the parameters
     * themselves and one chunk. (A buffer of a whole chunk for each array, and a second pass for the file, had made a
     * VAE checkpoint of 30 arrays allocate 124 MB: 75-280 ms an epoch, docs/performance.md.)
     */
    static void write(Path dir, Map<String, Object> header, List<Parameter> parameters) throws IOException {
        List<String> digests = new ArrayList<>();
        AtomicFiles.write(dir.resolve("params.bin"), out -> {
            ByteBuffer buf = chunkBuffer(parameters.stream().mapToLong(p -> p.values().length).max().orElse(0));
            MessageDigest md = sha256();
            for (Parameter p : parameters) {
                digests.add(digest(p.values(), buf, md, out));
            }
        });
        List<Map<String, Object>> entries = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", p.name());
            e.put("shape", p.shape());
            e.put("offset", offset);
            e.put("count", p.values().length);
            e.put("sha256", digests.get(i));
            entries.add(e);
            offset += 4L * p.values().length;
        }
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
     * A model's description read and checked, its arrays not yet read: what {@link #load} reads. Every size in it has
     * been checked against the real length of the parameter file.
     */
    record Header(Path json, Path bin, Map<String, Object> model, List<Entry> entries) {
        /** Bytes of all parameters (float32). */
        long parameterBytes() {
            long sum = 0;
            for (Entry e : entries) {
                sum += 4L * e.count();
            }
            return sum;
        }
    }

    /** {@link #readHeader} then {@link #load}. */
    static Saved read(Path dir) throws IOException {
        return load(readHeader(dir));
    }

    /**
     * Reads a model directory's {@code model.json} written by {@link #write}, without its arrays. Every defect (missing
     * or incomplete files, another format or version, a size that does not match) is an {@link IOException} naming the
     * file and the expected and found values. Every size in {@code model.json} is checked against the real length of
     * {@code params.bin}, so a file claiming 10^12 values costs nothing.
     */
    static Header readHeader(Path dir) throws IOException {
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
        return new Header(json, bin, model, entries(model, json, bin, Files.size(bin)));
    }

    /**
     * The parameters a {@link #readHeader} describes, each checked against its SHA-256. The file is read a chunk at a
     * time into each parameter's array: the heap holds the parameters and one chunk.
     */
    static Saved load(Header h) throws IOException {
        List<Parameter> parameters = new ArrayList<>();
        try (FileChannel in = FileChannel.open(h.bin(), StandardOpenOption.READ)) {
            long size = in.size();
            if (size != h.entries().stream().mapToLong(e -> 4L * e.count()).sum()) {
                throw new IOException(h.bin() + ": changed since " + h.json() + " was checked (" + size + " bytes now)");
            }
            ByteBuffer buf = chunkBuffer(h.entries().stream().mapToLong(Entry::count).max().orElse(0));
            MessageDigest md = sha256();
            for (Entry e : h.entries()) {
                float[] values = new float[e.count()];
                long at = e.offset();
                for (int from = 0; from < values.length; from += CHUNK) {
                    int n = Math.min(CHUNK, values.length - from);
                    buf.clear().limit(4 * n);
                    while (buf.hasRemaining()) {
                        if (in.read(buf, at + buf.position()) < 0) {
                            throw new IOException(h.bin() + ": ends before byte " + (at + 4L * n) + " (changed while it was read)");
                        }
                    }
                    md.update(buf.array(), 0, 4 * n);
                    buf.flip();
                    buf.asFloatBuffer().get(values, from, n);
                    at += 4L * n;
                }
                String found = HexFormat.of().formatHex(md.digest());
                if (!found.equals(e.sha256())) {
                    throw new IOException(h.bin() + ": parameter " + e.name() + " has SHA-256 " + found + ", " + h.json()
                            + " records " + e.sha256() + " (the file was changed or damaged)");
                }
                parameters.add(new Parameter(e.name(), e.shape(), values));
            }
        }
        return new Saved(h.model(), parameters);
    }

    /** One parameter as model.json describes it, checked against the parameter file's real size. */
    record Entry(String name, int[] shape, long offset, int count, String sha256) {
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
            if (count > MAX_ARRAY) {
                throw new IOException(where + ": " + count + " values, more than one array can hold (" + MAX_ARRAY + ")");
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

    /** The SHA-256 of the values as little-endian float32, computed a chunk at a time. */
    static String sha256(float[] values) {
        try {
            return digest(values, chunkBuffer(values.length), sha256(), null);
        } catch (IOException e) {
            throw new AssertionError("no stream, no I/O", e);
        }
    }

    /**
     * The values as little-endian float32, a buffer's worth at a time, into {@code md} and, unless null, {@code out};
     * returns the hex SHA-256, {@code md} reset.
     */
    private static String digest(float[] values, ByteBuffer buf, MessageDigest md, OutputStream out)
            throws IOException {
        int chunk = buf.capacity() / 4;
        for (int from = 0; from < values.length; from += chunk) {
            int n = Math.min(chunk, values.length - from);
            buf.clear();
            buf.asFloatBuffer().put(values, from, n);
            md.update(buf.array(), 0, 4 * n);
            if (out != null) {
                out.write(buf.array(), 0, 4 * n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required of every JVM", e);
        }
    }

    /** A little-endian buffer for {@code values} floats, at most {@link #CHUNK}. */
    private static ByteBuffer chunkBuffer(long values) {
        return ByteBuffer.allocate(4 * (int) Math.max(1, Math.min(CHUNK, values))).order(ByteOrder.LITTLE_ENDIAN);
    }
}
