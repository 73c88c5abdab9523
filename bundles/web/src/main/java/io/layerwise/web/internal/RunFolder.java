package io.layerwise.web.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The run directories under one runs folder, read for the view. A name or picture path from a request is checked
 * against a strict pattern before any file is touched, so {@code ../}, encoded or absolute paths never reach the
 * file system; a name that passes must still be a real (not linked) directory directly under the folder.
 */
final class RunFolder {
    /** A run directory's name as the engine makes it ({@code pipeline-yyyyMMdd-HHmmss}, or a --out name). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    /** A picture in a run or in one of its stage directories. */
    static final Pattern PICTURE = Pattern.compile("(?:[A-Za-z0-9][A-Za-z0-9._-]{0,199}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,199}\\.(?:png|gif)");
    /** run.log lines that are swap or resume events (the engine's wording). */
    private static final Pattern EVENT = Pattern.compile(".*(went away|takes over|resum).*");

    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");

    private final Path root;

    RunFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    /** The run's directory, or empty for a name that is invalid or names no real directory directly here. */
    Optional<Path> dir(String name) {
        if (!validName(name)) {
            return Optional.empty();
        }
        Path dir = root.resolve(name).normalize();
        if (!dir.getParent().equals(root) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(dir);
    }

    /** A picture file of a run, or empty (invalid path, a link, or no such file). */
    Optional<Path> picture(String name, String path) {
        if (path == null || !PICTURE.matcher(path).matches() || path.contains("..")) {
            return Optional.empty();
        }
        return dir(name).flatMap(d -> {
            Path p = d.resolve(path).normalize();
            boolean inside = p.startsWith(d) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && (p.getParent().equals(d) || Files.isDirectory(p.getParent(), LinkOption.NOFOLLOW_LINKS));
            return inside ? Optional.of(p) : Optional.empty();
        });
    }

    /** Every run: name, pipeline, status, last change; newest first. */
    JsonArray list() throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
                for (Path d : s) {
                    if (validName(d.getFileName().toString()) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                            && Files.isRegularFile(d.resolve("history.json"))) {
                        dirs.add(d);
                    }
                }
            }
        }
        dirs.sort(Comparator.comparing(RunFolder::modified).reversed());
        JsonArray out = new JsonArray();
        for (Path d : dirs) {
            JsonObject history = history(d);
            JsonObject run = new JsonObject();
            run.addProperty("name", d.getFileName().toString());
            run.add("pipeline", history.get("pipeline"));
            run.add("status", history.get("status"));
            run.addProperty("modified", modified(d));
            out.add(run);
        }
        return out;
    }

    /**
     * A run as the run page shows it: its history.json (stages, epochs with loss and val_loss, metrics, bundle and
     * version per stage), its pictures and its swap and resume events in time order.
     */
    Optional<JsonObject> run(String name) throws IOException {
        Optional<Path> dir = dir(name);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        JsonObject run = new JsonObject();
        run.addProperty("name", name);
        run.add("history", history(dir.get()));
        run.add("pictures", pictures(dir.get()));
        run.add("events", events(dir.get()));
        return Optional.of(run);
    }

    private static long modified(Path d) {
        try {
            Path h = d.resolve("history.json");
            return Files.getLastModifiedTime(Files.exists(h) ? h : d).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** history.json; an empty object while the engine has written none (it replaces the file atomically). */
    private static JsonObject history(Path dir) throws IOException {
        Path file = dir.resolve("history.json");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new JsonObject();
        }
        try {
            JsonElement e = finite(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)));
            return e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
        } catch (JsonParseException e) {
            return new JsonObject();
        }
    }

    /**
     * The tree with NaN and infinities as null: JSON has no such numbers, and the lenient parser reads a bare
     * {@code NaN} or {@code Infinity} of the file as that text.
     */
    static JsonElement finite(JsonElement e) {
        if (e.isJsonPrimitive() && (e.getAsJsonPrimitive().isNumber() && !Double.isFinite(e.getAsDouble())
                || e.getAsJsonPrimitive().isString() && NON_FINITE.contains(e.getAsString()))) {
            return JsonNull.INSTANCE;
        }
        if (e.isJsonObject()) {
            e.getAsJsonObject().entrySet().forEach(m -> m.setValue(finite(m.getValue())));
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                a.set(i, finite(a.get(i)));
            }
        }
        return e;
    }

    private static JsonArray pictures(Path dir) throws IOException {
        JsonArray out = new JsonArray();
        try (Stream<Path> files = Files.walk(dir, 2)) {
            files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> PICTURE.matcher(p).matches())
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    /** Swap and resume lines of run.log ("TIMESTAMP text"), already in time order as the engine appends them. */
    private static JsonArray events(Path dir) throws IOException {
        JsonArray out = new JsonArray();
        Path log = dir.resolve("run.log");
        if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            if (space > 0 && EVENT.matcher(line).matches()) {
                JsonObject e = new JsonObject();
                e.addProperty("at", line.substring(0, space));
                e.addProperty("text", line.substring(space + 1));
                out.add(e);
            }
        }
        return out;
    }
}
