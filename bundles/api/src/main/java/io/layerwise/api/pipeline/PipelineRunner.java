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

    /** Jobs of this framework session, newest last. */
    List<JobStatus> jobs();

    Optional<Job> job(String id);
}
