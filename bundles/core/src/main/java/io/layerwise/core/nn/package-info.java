/**
 * Dense autoencoder mathematics on preallocated ND4J buffers: activations, losses, initialisation, the
 * forward/backward pass (the optimizers are in {@link io.layerwise.core.optim}). Every array a hot loop touches is allocated once per batch size and written
 * in place ({@link Level3#gemm} with alpha/beta, in-place transforms); nothing here allocates per minibatch.
 * <p>Not exported: each bundle that uses it carries a private copy (docs/design-private-core.md); the version
 * states this package's compatibility for the bundles built against it.
 */
@Version("2.12.1")
package io.layerwise.core.nn;

import org.osgi.annotation.versioning.Version;
