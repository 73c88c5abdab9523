package io.layerwise.model.rbm.internal;

/**
 * What one training step reports.
 *
 * @param errorSum sum over the batch of the per-sample reconstruction error (cross-entropy or squared error)
 * @param penalty  the penalties' share {@code P} of the minibatch objective (a mean over the batch)
 */
record BatchResult(double errorSum, double penalty) {
    /** {@code errorSum + B * P}: the sum over the batch of the per-sample objective, as the engine expects. */
    double sum(int batch) {
        return errorSum + batch * penalty;
    }
}
