package io.layerwise.api.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Runs pretraining pipelines as jobs; the platform's engine implements it, shells and launchers use it. */
@ProviderType
public interface PipelineRunner {

    /**
     * Validates the pipeline completely (JSON, stage and regularizer types, every field), then starts it on a
     * thread of its own. A problem found before any work is a {@link PipelineException} thrown here, and no run
     * directory is left behind.
     *
     * @param listener receives progress; may be null
     */
    Job submit(Path pipelineFile, RunOptions options, ProgressListener listener) throws PipelineException;

    /**
     * Goes on with an interrupted run (its process was killed, or the job was cancelled or failed) in its own
     * directory: the pipeline and data of its {@code pipeline.json}; stages that finished load their saved models;
     * the stage in progress continues from its newest intact checkpoint (after the last finished epoch), so that
     * at most the epoch in progress is trained again; the stages after it train as usual.
     *
     * @param listener receives progress; may be null
     * @since 1.3
     */
    Job resume(Path runDir, ProgressListener listener) throws PipelineException;

    /** Jobs of this framework session, newest last. */
    List<JobStatus> jobs();

    Optional<Job> job(String id);

    /**
     * Reloads a run directory's models (checking format, shapes, checksums and that each stage type's provider is
     * installed), reloads the pipeline's data ({@code dataDir} overrides its directory; null keeps it) and recomputes
     * every stage's held-out metrics and fine-tuning's test error.
     */
    Evaluation evaluate(Path runDir, Path dataDir) throws PipelineException;

    /**
     * Encodes the rows of {@code input} (IDX images or CSV) through stages {@code 1..layer} of a saved run
     * ({@code layer} 0: all) and writes them as CSV; with {@code reconstruct}, stage {@code layer}'s reconstruction
     * of its own input instead (pixels for layer 1). A CSV file's first line is a header, skipped, exactly when
     * {@code header} says so; otherwise every line is data and a first line that is not all numbers fails. A UTF-8
     * byte-order mark is removed. {@link Encoding#input()} says how the input was read.
     *
     * @since 1.4
     */
    Encoding encode(Path runDir, Path input, Path output, int layer, boolean reconstruct, boolean header)
            throws PipelineException;

    /** {@link #encode(Path, Path, Path, int, boolean, boolean)} of input without a header line. */
    default Encoding encode(Path runDir, Path input, Path output, int layer, boolean reconstruct) throws PipelineException {
        return encode(runDir, input, output, layer, reconstruct, false);
    }
}
