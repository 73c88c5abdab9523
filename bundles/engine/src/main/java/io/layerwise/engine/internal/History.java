package io.layerwise.engine.internal;

import com.google.gson.JsonParseException;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's {@code history.json}, typed; Gson writes it ({@link Json#GSON}) field by field in declaration order and
 * leaves out what is null. The field names are the file's, read by resume, {@code layerwise:eval}, the report, the
 * shell and whatever else reads runs on disk: renaming one breaks them. The entries that grow while the job runs
 * (the run, a stage, fine-tuning) are mutable and owned by the job's thread; what is written once is a record.
 */
final class History {
    String pipeline;
    String status;
    List<StageEntry> stages = new ArrayList<>();
    /** One entry per resume of the run: when, and how it had ended. */
    List<Resumed> resumed;
    FineTuneEntry finetune;
    /** Of the top code (at most 3 units) of a finished run: {@link RunPictures#trustworthiness()}. */
    Double trustworthiness;
    Map<String, Object> trustworthinessOf;
    /** Why the run failed or was cancelled; absent while it runs and when it is done. */
    String message;

    /** A stage's entry; epochs are appended as they finish. */
    static final class StageEntry {
        int index;
        String type;
        String bundle;
        String bundleVersion;
        int inputSize;
        int outputSize;
        int trainSamples;
        Integer validationSamples;
        int testSamples;
        String started;
        List<Epoch> epochs = new ArrayList<>();
        /** Each time another provider (a resume, a live swap) went on with the stage. */
        List<Resumed> resumed;
        /** The epoch whose parameters early stopping's restoreBest put back. */
        Integer restoredEpoch;
        Stopped stopped;
        /** The stage's {@code finalMetrics} on the test rows. */
        Map<String, Double> metrics;
        String finished;

        boolean finished() {
            return finished != null;
        }

        /** Notes that {@code bundle} goes on with the stage, after an interruption or its provider's going away. */
        void resumedBy(String bundle, String version, boolean afterInterruption) {
            if (epochs == null) {
                epochs = new ArrayList<>();
            }
            if (resumed == null) {
                resumed = new ArrayList<>();
            }
            resumed.add(new Resumed(Instant.now().toString(), null, afterInterruption
                    ? "resume of an interrupted run" : "its provider went away; another took over",
                    epochs.size(), bundle, version));
        }
    }

    /**
     * One epoch: {@code loss} absent for a fitted stage, {@code val_loss} without validation rows, {@code val_error}
     * but for a classifying fine-tuning head.
     */
    record Epoch(int epoch, Double loss, @SerializedName("val_loss") Double valLoss,
            @SerializedName("val_error") Double valError, double seconds, Map<String, Double> metrics) {
    }

    /**
     * A resume: of the run ({@code at}, {@code was}: its status and message before), or of a stage ({@code at},
     * {@code why}, the epochs finished before, the bundle that goes on).
     */
    record Resumed(String at, String was, String why, Integer afterEpoch, String bundle, String bundleVersion) {
    }

    /** Why training stopped before its last epoch; {@code monitor} and {@code bestEpoch} for early stopping only. */
    record Stopped(int epoch, String monitor, Integer bestEpoch, String reason) {
    }

    /** The {@code finetune} entry. */
    static final class FineTuneEntry {
        String head;
        String bundle;
        String bundleVersion;
        boolean pretrained;
        int layers;
        int trainSamples;
        int validationSamples;
        String started;
        List<Epoch> epochs = new ArrayList<>();
        Integer restoredEpoch;
        Stopped stopped;
        /** An unrolled autoencoder's {@code testSquaredError} (and the PCA's beside it). */
        Map<String, Double> metrics;
        Double testError;
        Double testLoss;
        long[][] confusion;
        String finished;
    }

    static History begin(String pipeline) {
        History h = new History();
        h.pipeline = pipeline;
        h.status = "running";
        return h;
    }

    /** The history.json of a run that can be resumed: present, with a stages list, and not done. */
    static History readInterrupted(Path dir) throws IOException {
        Path file = dir.resolve("history.json");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + ": missing; " + dir + " is not a run directory");
        }
        String text = Files.readString(file);
        Map<String, Object> raw = Json.parseObject(text, file); // strict: the message names the line and column
        if (!(raw.get("stages") instanceof List<?>)) {
            throw new IOException(file + ": has no stages list");
        }
        if ("done".equals(raw.get("status"))) {
            throw new IOException(dir + ": the run finished; there is nothing to resume");
        }
        return parse(text, file);
    }

    /** A history.json's text, typed; a value of the wrong type is an error naming the file. */
    static History parse(String text, Path file) throws IOException {
        try {
            History h = Json.GSON.fromJson(text, History.class);
            if (h == null || h.stages == null) {
                throw new IOException(file + ": has no stages list");
            }
            return h;
        } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
            throw new IOException(file + ": not a history.json: " + e.getMessage(), e);
        }
    }

    /** Back to running after an interruption, with an entry in {@code resumed} saying how the run had ended. */
    void resumeRun() {
        String was = status + (message == null ? "" : ": " + message);
        message = null;
        status = "running";
        resumed = resumed == null ? new ArrayList<>() : new ArrayList<>(resumed);
        resumed.add(new Resumed(Instant.now().toString(), was, null, null, null, null));
    }
}
