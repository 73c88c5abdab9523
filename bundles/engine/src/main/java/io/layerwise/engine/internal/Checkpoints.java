package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trainable stage's checkpoints, one folder per finished epoch under {@code <stage>/checkpoints/epoch-NNNN}: the
 * parameters, the stage's {@link TrainingState} and the epoch loop's own state (early stopping, the best
 * parameters), in the model-file format (model.json with a SHA-256 per array, params.bin). A checkpoint is written
 * into {@code epoch-NNNN.tmp} and renamed into place, so a folder under its final name is complete; the newest
 * {@link #KEPT} are kept, so that a damaged newest one leaves an older one to resume from.
 */
final class Checkpoints {
    static final int KEPT = 2;
    static final String FOLDER = "checkpoints";
    /** {@code epoch-E}: after epoch E; {@code epoch-E-B}: after epoch E and B minibatches of the next one. */
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,9})(?:-(\\d{6,10}))?");
    private static final String STATE = "state.";
    private static final String BEST = "best.";

    /** A checkpoint read back. */
    record Checkpoint(int epoch, int batch, Path dir, List<Parameter> parameters, TrainingState state,
            List<Parameter> best, Map<String, Object> loop) {
        /**
         * Where training goes on: {@code epoch 3}, {@code epoch 3 and 120 minibatches of epoch 4}, or inside the first
         * epoch {@code 120 minibatches of epoch 1}.
         */
        String position() {
            String inside = batch + " minibatches of epoch " + (epoch + 1);
            return batch == 0 ? "epoch " + epoch : epoch == 0 ? inside : "epoch " + epoch + " and " + inside;
        }
    }

    private Checkpoints() {
    }

    /**
     * Writes the checkpoint after {@code epoch} epochs and {@code batch} minibatches of the next, and removes all but
     * the newest {@link #KEPT}.
     *
     * @param best the best epoch's parameters kept for {@code restoreBest}, or null
     * @param loop the epoch loop's own state (JSON values)
     */
    static Path write(Path stageDir, int epoch, int batch, List<Parameter> parameters, TrainingState state,
            List<Parameter> best, Map<String, Object> loop) throws IOException {
        Path root = Files.createDirectories(stageDir.resolve(FOLDER));
        String name = batch == 0 ? String.format("epoch-%04d", epoch) : String.format("epoch-%04d-%06d", epoch, batch);
        Path tmp = root.resolve(name + ".tmp");
        Path target = root.resolve(name);
        deleteTree(tmp);
        Files.createDirectory(tmp);
        List<Parameter> arrays = new ArrayList<>(parameters);
        for (Parameter p : state.arrays()) {
            arrays.add(new Parameter(STATE + p.name(), p.shape(), p.values()));
        }
        if (best != null) {
            for (Parameter p : best) {
                arrays.add(new Parameter(BEST + p.name(), p.shape(), p.values()));
            }
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("checkpoint", "layerwise-checkpoint");
        header.put("epoch", epoch);
        header.put("batch", batch);
        header.put("parameterCount", parameters.size());
        Map<String, Object> values = new LinkedHashMap<>();
        state.values().forEach((k, v) -> values.put(k, v));
        header.put("values", values);
        header.put("counters", new LinkedHashMap<>(state.counters()));
        header.put("loop", loop);
        ModelFiles.write(tmp, header, arrays);
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        List<Path> all = list(stageDir);
        for (int i = KEPT; i < all.size(); i++) {
            deleteTree(all.get(i));
        }
        return target;
    }

    /**
     * The newest checkpoint that reads back whole (every array's SHA-256 as recorded); each damaged newer one is
     * reported through {@code log} with what is wrong and which older one is used instead.
     */
    static Optional<Checkpoint> latest(Path stageDir, Consumer<String> log) throws IOException {
        Path failed = null;
        for (Path dir : list(stageDir)) {
            try {
                Checkpoint c = read(dir);
                if (failed != null) {
                    log.accept("using the checkpoint " + dir + " instead");
                }
                return Optional.of(c);
            } catch (IOException | RuntimeException e) {
                log.accept("checkpoint " + dir + " is damaged and is skipped: " + e.getMessage());
                failed = dir;
            }
        }
        return Optional.empty();
    }

    /** Removes every checkpoint of a stage (once its training has finished and its model is saved). */
    static void removeAll(Path stageDir) throws IOException {
        deleteTree(stageDir.resolve(FOLDER));
    }

    @SuppressWarnings("unchecked")
    static Checkpoint read(Path dir) throws IOException {
        ModelFiles.Saved saved = ModelFiles.read(dir);
        Map<String, Object> h = saved.header();
        Matcher m = NAME.matcher(dir.getFileName().toString());
        if (!"layerwise-checkpoint".equals(h.get("checkpoint")) || !m.matches()
                || !(h.get("epoch") instanceof Number epoch) || epoch.intValue() != Integer.parseInt(m.group(1))
                || !(h.get("batch") instanceof Number batch)
                || batch.intValue() != (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)))
                || !(h.get("parameterCount") instanceof Number count)) {
            throw new IOException(dir.resolve("model.json") + ": not a checkpoint of epoch " + dir.getFileName());
        }
        List<Parameter> parameters = new ArrayList<>();
        List<Parameter> arrays = new ArrayList<>();
        List<Parameter> best = new ArrayList<>();
        List<Parameter> all = saved.parameters();
        for (int i = 0; i < all.size(); i++) {
            Parameter p = all.get(i);
            if (i < count.intValue()) {
                parameters.add(p);
            } else if (p.name().startsWith(STATE)) {
                arrays.add(new Parameter(p.name().substring(STATE.length()), p.shape(), p.values()));
            } else if (p.name().startsWith(BEST)) {
                best.add(new Parameter(p.name().substring(BEST.length()), p.shape(), p.values()));
            } else {
                throw new IOException(dir + ": unexpected array " + p.name());
            }
        }
        Map<String, double[]> values = new LinkedHashMap<>();
        for (var e : ((Map<String, Object>) h.getOrDefault("values", Map.of())).entrySet()) {
            List<Object> list = (List<Object>) e.getValue();
            double[] v = new double[list.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) list.get(i)).doubleValue();
            }
            values.put(e.getKey(), v);
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        for (var e : ((Map<String, Object>) h.getOrDefault("counters", Map.of())).entrySet()) {
            counters.put(e.getKey(), ((Number) e.getValue()).longValue());
        }
        return new Checkpoint(epoch.intValue(), batch.intValue(), dir, parameters, new TrainingState(arrays, values, counters),
                best.isEmpty() ? null : best, (Map<String, Object>) h.getOrDefault("loop", Map.of()));
    }

    /** The complete checkpoint folders of a stage, newest first. */
    private static List<Path> list(Path stageDir) throws IOException {
        Path root = stageDir.resolve(FOLDER);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (var entries = Files.list(root)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(Checkpoints::position).reversed())
                    .toList();
        }
    }

    /** A checkpoint folder's place in training, epochs then minibatches, as one sortable number. */
    private static long position(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        m.matches();
        return Long.parseLong(m.group(1)) * 10_000_000_000L + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (var entries = Files.list(p)) {
                for (Path e : entries.toList()) {
                    deleteTree(e);
                }
            }
        }
        Files.delete(p);
    }
}
