package io.layerwise.engine.internal;

/** A failure that stops the job, with a complete, user-facing message. */
final class StageFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StageFailure(String message) {
        super(message);
    }
}
