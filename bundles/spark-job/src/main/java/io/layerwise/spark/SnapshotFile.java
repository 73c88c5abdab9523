package io.layerwise.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Spark run's checkpoint, {@code spark-checkpoint.bin}: where the run stands (the stage, the epoch and minibatch
 * the next round starts, the epoch's loss so far) and the {@link Snapshot} of the stage in progress, written after
 * every averaging round; plus the final snapshots of the stages finished before. Data only (a magic line, then
 * big-endian counts, names and float32/float64 values), written to a temporary file and moved into place, so a run
 * killed while writing leaves the previous checkpoint.
 */
public final class SnapshotFile {
    static final String MAGIC = "layerwise-spark-checkpoint 1";

    /** Stage {@code stage} goes on from {@code position}; {@code finished} holds the stages before it. */
    public record Checkpoint(int stage, DataParallelTraining.Position position, List<Snapshot> finished) {
    }

    private SnapshotFile() {
    }

    public static void write(Path file, Checkpoint c) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeUTF(MAGIC);
            out.writeInt(c.stage());
            out.writeInt(c.position().epoch());
            out.writeInt(c.position().batch());
            out.writeDouble(c.position().epochLoss());
            write(out, c.position().snapshot());
            out.writeInt(c.finished().size());
            for (Snapshot s : c.finished()) {
                write(out, s);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Checkpoint read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a Spark checkpoint of this version (starts \"" + magic + "\")");
            }
            int stage = in.readInt();
            int epoch = in.readInt();
            int batch = in.readInt();
            double loss = in.readDouble();
            Snapshot s = readSnapshot(in);
            int n = in.readInt();
            List<Snapshot> finished = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                finished.add(readSnapshot(in));
            }
            return new Checkpoint(stage, new DataParallelTraining.Position(epoch, batch, s, loss), finished);
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": ends early (a checkpoint cut short)", e);
        }
    }

    private static void write(DataOutputStream out, Snapshot s) throws IOException {
        writeArrays(out, s.parameters());
        writeArrays(out, s.optimizer());
        out.writeInt(s.values().size());
        for (Map.Entry<String, double[]> e : new TreeMap<>(s.values()).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (double v : e.getValue()) {
                out.writeDouble(v);
            }
        }
        out.writeInt(s.workers().size());
        for (Map.Entry<Integer, Snapshot.WorkerState> w : new TreeMap<>(s.workers()).entrySet()) {
            out.writeInt(w.getKey());
            out.writeInt(w.getValue().counters().size());
            for (Map.Entry<String, Long> e : new TreeMap<>(w.getValue().counters()).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            writeArrays(out, w.getValue().arrays());
        }
    }

    private static Snapshot readSnapshot(DataInputStream in) throws IOException {
        List<Snapshot.Array> parameters = readArrays(in);
        List<Snapshot.Array> optimizer = readArrays(in);
        Map<String, double[]> values = new LinkedHashMap<>();
        int nv = in.readInt();
        for (int i = 0; i < nv; i++) {
            String k = in.readUTF();
            double[] v = new double[in.readInt()];
            for (int j = 0; j < v.length; j++) {
                v[j] = in.readDouble();
            }
            values.put(k, v);
        }
        Map<Integer, Snapshot.WorkerState> workers = new TreeMap<>();
        int nw = in.readInt();
        for (int i = 0; i < nw; i++) {
            int w = in.readInt();
            Map<String, Long> counters = new LinkedHashMap<>();
            int nc = in.readInt();
            for (int j = 0; j < nc; j++) {
                counters.put(in.readUTF(), in.readLong());
            }
            workers.put(w, new Snapshot.WorkerState(counters, readArrays(in)));
        }
        return new Snapshot(parameters, optimizer, values, workers);
    }

    private static void writeArrays(DataOutputStream out, List<Snapshot.Array> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (Snapshot.Array a : arrays) {
            out.writeUTF(a.name());
            out.writeInt(a.shape().length);
            for (int d : a.shape()) {
                out.writeInt(d);
            }
            out.writeInt(a.values().length);
            for (float v : a.values()) {
                out.writeFloat(v);
            }
        }
    }

    private static List<Snapshot.Array> readArrays(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Snapshot.Array> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int[] shape = new int[in.readInt()];
            for (int j = 0; j < shape.length; j++) {
                shape[j] = in.readInt();
            }
            float[] v = new float[in.readInt()];
            for (int j = 0; j < v.length; j++) {
                v[j] = in.readFloat();
            }
            out.add(new Snapshot.Array(name, shape, v));
        }
        return out;
    }

    /** Writes {@code s}'s parameters as the stage's {@code params.bin} (little-endian float32) and {@code params.json}. */
    static void writeParameters(Path dir, String type, Snapshot s) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> entries = new ArrayList<>();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("params.bin")), 1 << 16)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (Snapshot.Array a : s.parameters()) {
                entries.add(Map.of("name", a.name(), "shape", a.shape(), "count", a.values().length));
                for (float v : a.values()) {
                    b.clear();
                    b.putFloat(v);
                    out.write(b.array());
                }
            }
        }
        Files.writeString(dir.resolve("params.json"), StageRecipe.GSON.toJson(Map.of("type", type, "parameters",
                entries)));
    }
}
