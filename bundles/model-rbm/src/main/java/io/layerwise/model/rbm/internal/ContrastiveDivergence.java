package io.layerwise.model.rbm.internal;

/**
 * How the negative phase of an RBM's gradient is estimated: {@code k} steps of block Gibbs sampling
 * {@code h ~ p(h|v)}, {@code v ~ p(v|h)}, started from {@code h_0 ~ p(h | v_data)} (CD-k) or from persistent chains
 * that carry their last hidden sample over to the next minibatch (PCD-k, Tieleman 2008).
 *
 * @param k             Gibbs steps per minibatch, at least 1
 * @param persistent    PCD: one chain per minibatch row, kept across minibatches and epochs
 * @param sampleVisible whether the last step samples {@code v_k} too (an exact Gibbs chain, as Theano's and
 *                      scikit-learn's RBMs do) rather than keeping its mean {@code E[v_k | h_{k-1}]} (Hinton's
 *                      practical recipe: less noise, slightly biased); earlier steps always sample
 */
record ContrastiveDivergence(int k, boolean persistent, boolean sampleVisible) {

    ContrastiveDivergence {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
    }
}
