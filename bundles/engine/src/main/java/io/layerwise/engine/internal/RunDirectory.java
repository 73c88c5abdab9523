package io.layerwise.engine.internal;

import io.layerwise.data.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A run's output directory: {@code pipeline.json} (the resolved spec), {@code history.json} (rewritten
 * atomically after every epoch), {@code run.log}, and one folder per stage.
 */
final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** Run names and stage types become file names: no separators, no "..", nothing a shell would mangle. */
    static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final Pattern SAFE_TYPE = SAFE_NAME;

    final Path dir;
    private final Map<String, Object> history = new LinkedHashMap<>();
    private final List<Map<String, Object>> stages = new ArrayList<>();

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** The default location {@code <runsDir>/<name>-<yyyyMMdd-HHmmss>}, with a suffix if taken (a link counts as taken). */
    static Path defaultPath(Path runsDir, String name) {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("run name \"" + name + "\" is not a plain file name");
        }
        String base = name + "-" + LocalDateTime.now().format(STAMP);
        Path p = runsDir.resolve(base);
        for (int i = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS); i++) {
            p = runsDir.resolve(base + "-" + i);
        }
        return p;
    }

    /**
     * Creates a new run directory {@code <runsDir>/<name>-<stamp>} for a pipeline's run. The name comes from the
     * pipeline file, so the directory must end up directly inside {@code runsDir} (itself possibly a link, e.g. to a
     * larger disk): a name with separators or {@code ..}, or a link planted where the directory would go, is refused.
     */
    static RunDirectory createUnder(Path runsDir, String pipelineName, String resolvedPipelineJson) throws IOException {
        Path runs;
        try {
            runs = Files.createDirectories(runsDir).toRealPath();
        } catch (IOException e) {
            throw new IOException(runsDir + ": cannot create the runs directory: " + reason(e), e);
        }
        Path dir = defaultPath(runs, pipelineName);
        if (!runs.equals(dir.getParent())) {
            throw new IOException(dir + ": the run name \"" + pipelineName + "\" leads out of " + runs);
        }
        return create(dir, pipelineName, resolvedPipelineJson);
    }

    /**
     * Creates the directory ({@code --out}, or one from {@link #createUnder}); refuses one that exists and is not
     * empty, so no earlier run is overwritten, and a symbolic link, so nothing is written where the path does not
     * say. A directory this call made is removed again if writing its first files fails.
     */
    static RunDirectory create(Path dir, String pipelineName, String resolvedPipelineJson) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException(dir + ": is a symbolic link; give the output directory itself");
        }
        boolean made = false;
        try {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IOException(dir + ": output directory exists and is not empty; choose another --out");
                    }
                }
            } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + ": exists and is not a directory");
            } else {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir);
                made = true;
            }
            RunDirectory run = new RunDirectory(dir);
            run.history.put("pipeline", pipelineName);
            run.history.put("status", "running");
            run.history.put("stages", run.stages);
            AtomicFiles.writeString(dir.resolve("pipeline.json"), resolvedPipelineJson);
            run.writeHistory();
            return run;
        } catch (IOException e) {
            if (made) {
                removeQuietly(dir);
            }
            if (e.getMessage() != null && e.getMessage().startsWith(dir + ": ")) {
                throw e;
            }
            throw new IOException(dir + ": cannot create the run directory: " + reason(e), e);
        }
    }

    /** A stage's folder name: {@code stage-<index + 1>-<type>}; the type must be a plain name. */
    static String stageFolder(int index, String type) throws IOException {
        if (!SAFE_TYPE.matcher(type).matches()) {
            throw new IOException("stage type \"" + type + "\" is not a plain name (letters, digits, '.', '_', '-')");
        }
        return "stage-" + (index + 1) + "-" + type;
    }

    Path stageDir(int index, String type) throws IOException {
        return folder(stageFolder(index, type));
    }

    /** A folder inside the run directory (a stage's, {@code finetune}); a link in its place is refused. */
    Path folder(String name) throws IOException {
        Path p = dir.resolve(name);
        if (!dir.equals(p.getParent()) || Files.isSymbolicLink(p)) {
            throw new IOException(p + ": a folder of the run must lie directly inside " + dir + " (not a link)");
        }
        Files.createDirectories(p);
        return p;
    }

    /**
     * Removes the folders of this run that hold no complete model (no {@code model.json}) and nothing else: a stage
     * that failed in its first epoch leaves no empty folder behind.
     */
    void removeIncompleteFolders() {
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (var inside = Files.list(p)) {
                        if (inside.findAny().isEmpty()) {
                            Files.delete(p);
                        }
                    }
                }
            }
        } catch (IOException e) {
            log("could not tidy " + dir + ": " + e.getMessage());
        }
    }

    private static void removeQuietly(Path dir) {
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // the message about the first failure matters more
        }
    }

    /** What went wrong, in words: Java's file exceptions often carry only the path. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    void put(String key, Object value) {
        history.put(key, value);
    }

    /** Starts a stage's entry in history.json; epochs are appended to the returned map's "epochs" list. */
    Map<String, Object> beginStage(Map<String, Object> info) {
        Map<String, Object> stage = new LinkedHashMap<>(info);
        stage.put("epochs", new ArrayList<Map<String, Object>>());
        stages.add(stage);
        return stage;
    }

    @SuppressWarnings("unchecked")
    void addEpoch(Map<String, Object> stage, Map<String, Object> epoch) throws IOException {
        ((List<Map<String, Object>>) stage.get("epochs")).add(epoch);
        writeHistory();
    }

    void finish(String status, String message) throws IOException {
        history.put("status", status);
        if (message != null) {
            history.put("message", message);
        }
        writeHistory();
    }

    void writeHistory() throws IOException {
        AtomicFiles.writeString(dir.resolve("history.json"), Json.toJson(history));
    }

    /** Appends a line to run.log (never fails the run: a full disk shows up in the next atomic write). */
    void log(String line) {
        try {
            Files.writeString(dir.resolve("run.log"), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
