package io.layerwise.engine.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The engine's settings, PID {@value #PID} ({@code config/io.layerwise.engine.cfg.json}); the defaults are 0.1's behaviour. */
@ObjectClassDefinition(name = "Layerwise engine",
        description = "Where runs go, how many jobs may run at once, how long a job waits for a swapped stage"
                + " provider, and the default checkpoint interval. Read when a job starts.")
@interface EngineConfig {
    String PID = "io.layerwise.engine";

    @AttributeDefinition(name = "Runs directory", description = "Where a run without --out gets its directory"
            + " (NAME-N); relative to the working directory.")
    String runsDir() default "runs";

    @AttributeDefinition(name = "Concurrent job limit", description = "Jobs that may run at once; a submission beyond"
            + " it is refused. 0: no limit. 0 to 1000.")
    int maxConcurrentJobs() default 0;

    @AttributeDefinition(name = "Live-swap wait (s)", description = "How long a job waits for a provider of a stage"
            + " type to come back when its bundle is updated or uninstalled mid-stage. 0 to 86400.")
    long swapTimeoutSeconds() default 60;

    @AttributeDefinition(name = "Default checkpoint interval", description = "Minibatches between checkpoints within"
            + " an epoch for a trainable stage whose train section sets no checkpointEvery. 0: at the end of each"
            + " epoch only.")
    int checkpointEvery() default 0;
}
