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
import java.util.regex.Pattern;

/**
 * A run's output directory: {@code pipeline.json} (the resolved spec), {@code history.json} (rewritten
 * atomically after every epoch), {@code run.log}, and one folder per stage. Whoever creates or reopens it holds its
 * {@link RunLock} until {@link #close}: one writer at a time.
 */
final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** Run names and stage types become file names: no separators, no "..", nothing a shell would mangle. */
    static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final Pattern SAFE_TYPE = SAFE_NAME;

    final Path dir;
    private final History history;
    private final RunLock lock;

    private RunDirectory(Path dir, RunLock lock, History history) {
        this.dir = dir;
        this.lock = lock;
        this.history = history;
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
    static RunDirectory createUnder(Path runsDir, String pipelineName, String resolvedPipelineJson, String job)
            throws IOException {
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
        return create(dir, pipelineName, resolvedPipelineJson, job);
    }

    /**
     * Creates the directory ({@code --out}, or one from {@link #createUnder}); refuses one that exists and is not
     * empty, so no earlier run is overwritten, and a symbolic link, so nothing is written where the path does not
     * say. A directory this call made is removed again if writing its first files fails. The directory is locked for
     * {@code job} before anything is written into it.
     */
    static RunDirectory create(Path dir, String pipelineName, String resolvedPipelineJson, String job) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException(dir + ": is a symbolic link; give the output directory itself");
        }
        boolean made = false;
        RunLock lock = null;
        boolean ours = false; // locked, and empty but for the lock: what is in it from now on is this run's
        try {
            if (Files.isDirectory(dir)) {
                requireEmpty(dir);
            } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + ": exists and is not a directory");
            } else {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir);
                made = true;
            }
            lock = RunLock.acquire(dir, job);
            requireEmpty(dir); // still: another writer may have filled it before the lock was taken
            ours = true;
            RunDirectory run = new RunDirectory(dir, lock, History.begin(pipelineName));
            AtomicFiles.writeString(dir.resolve("pipeline.json"), resolvedPipelineJson);
            run.writeHistory();
            lock = null; // the run holds it now
            return run;
        } catch (IOException e) {
            if (made && ours) {
                removeQuietly(dir); // its lock file too, while still locked
            }
            if (e.getMessage() != null && e.getMessage().startsWith(dir + ": ")) {
                throw e;
            }
            throw new IOException(dir + ": cannot create the run directory: " + reason(e), e);
        } finally {
            if (lock != null) {
                lock.release();
            }
        }
    }

    /** Refuses a directory holding anything but its own lock file. */
    private static void requireEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            if (entries.anyMatch(p -> !p.getFileName().toString().equals(RunLock.FILE))) {
                throw new IOException(dir + ": output directory exists and is not empty; choose another --out");
            }
        }
    }

    /**
     * Opens the directory of an interrupted run to go on with it ({@code resume}) for {@code job}: locks it (nothing
     * is written before), then history.json as it was, its status back to running, and an entry in its
     * {@code resumed} list.
     */
    static RunDirectory reopen(Path dir, String job) throws IOException {
        History.readInterrupted(dir); // what can be refused is refused before the folder is touched
        RunLock lock = RunLock.acquire(dir, job);
        try {
            History history = History.readInterrupted(dir); // again: a writer that held it may have finished the run
            history.resumeRun();
            RunDirectory run = new RunDirectory(dir, lock, history);
            run.writeHistory();
            return run;
        } catch (IOException | RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    /** A line saying whose stale lock this run took over, or null when its directory was free. */
    String lockNote() {
        return lock.tookOver();
    }

    /** Gives the directory up for another writer: releases its lock. */
    void close() {
        lock.release();
    }

    /** Stage {@code index}'s entry in history.json, or null when the run has not reached it. */
    History.StageEntry stageEntry(int index) {
        return index < history.stages.size() ? history.stages.get(index) : null;
    }

    /** The run's history, written by {@link #writeHistory}; only the job's thread changes it. */
    History history() {
        return history;
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

    /** Starts a stage's entry in history.json. */
    History.StageEntry beginStage(History.StageEntry stage) {
        history.stages.add(stage);
        return stage;
    }

    void addEpoch(History.StageEntry stage, History.Epoch epoch) throws IOException {
        stage.epochs.add(epoch);
        writeHistory();
    }

    void finish(String status, String message) throws IOException {
        history.status = status;
        if (message != null) {
            history.message = message;
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
