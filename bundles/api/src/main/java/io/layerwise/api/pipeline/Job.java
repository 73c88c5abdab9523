package io.layerwise.api.pipeline;

import org.osgi.annotation.versioning.ProviderType;

/** A submitted pipeline run. */
@ProviderType
public interface Job {

    String id();

    JobStatus status();

    /** Waits for the end; returns the final status (state DONE, FAILED or CANCELLED). */
    JobStatus await() throws InterruptedException;

    /** Asks the job to stop after the current minibatch. */
    void cancel();
}
