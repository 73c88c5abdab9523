package io.layerwise.engine.internal;

/** The provider of the stage in training went away; the epoch in progress is abandoned. The message says where ("epoch 3 at minibatch 7"). */
final class ProviderGone extends Exception {
    private static final long serialVersionUID = 1L;

    ProviderGone(String message) {
        super(message);
    }
}
