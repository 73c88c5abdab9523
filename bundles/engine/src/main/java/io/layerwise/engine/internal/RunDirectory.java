package io.layerwise.engine.internal;

import io.layerwise.data.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's output directory: {@code pipeline.json} (the resolved spec), {@code history.json} (rewritten
 * atomically after every epoch), {@code run.log}, and one folder per stage.
 */
final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    final Path dir;
    private final Map<String, Object> history = new LinkedHashMap<>();
    private final List<Map<String, Object>> stages = new ArrayList<>();

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** The default location {@code <runsDir>/<name>-<yyyyMMdd-HHmmss>}, with a suffix if taken. */
    static Path defaultPath(Path runsDir, String name) {
        String base = name + "-" + LocalDateTime.now().format(STAMP);
        Path p = runsDir.resolve(base);
        for (int i = 2; Files.exists(p); i++) {
            p = runsDir.resolve(base + "-" + i);
        }
        return p;
    }

    /** Creates the directory; refuses one that exists and is not empty, so no earlier run is overwritten. */
    static RunDirectory create(Path dir, String pipelineName, String resolvedPipelineJson) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(dir + ": output directory exists and is not empty; choose another --out");
                }
            }
        } else if (Files.exists(dir)) {
            throw new IOException(dir + ": exists and is not a directory");
        }
        Files.createDirectories(dir);
        RunDirectory run = new RunDirectory(dir);
        run.history.put("pipeline", pipelineName);
        run.history.put("status", "running");
        run.history.put("stages", run.stages);
        AtomicFiles.writeString(dir.resolve("pipeline.json"), resolvedPipelineJson);
        run.writeHistory();
        return run;
    }

    Path stageDir(int index, String type) throws IOException {
        Path p = dir.resolve("stage-" + (index + 1) + "-" + type);
        Files.createDirectories(p);
        return p;
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
