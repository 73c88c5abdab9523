package io.layerwise.api.pipeline;

/** A pipeline cannot run: the message is one line naming the file, JSON path, data file or bundle at fault. */
public class PipelineException extends Exception {
    private static final long serialVersionUID = 1L;

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
