package io.layerwise.engine.internal;

/** The job was asked to stop; the message says where it stopped. */
final class Cancelled extends Exception {
    private static final long serialVersionUID = 1L;

    Cancelled(String message) {
        super(message);
    }
}
