/**
 * Layers of convolutional networks on ND4J arrays in NCHW order: {@link Conv}, {@link ConvTranspose},
 * {@link MaxPool}, {@link BatchNorm}, {@link Dense}, {@link Reshape} (flatten / reshape) and {@link Activate}
 * (relu, leaky-relu, tanh, sigmoid, identity), each with its forward and backward pass, read from a stage's JSON
 * by {@link LayerSpecs} with their shapes checked before anything is allocated, and chained by {@link Sequential}.
 * Every array is {@code [batch, channels, height, width]}; a flat vector of n values is {@code [batch, n, 1, 1]}.
 * The layers work in float32 (training) and float64 (gradient checks) alike.
 * <p>Not exported: each bundle that uses it carries a private copy (docs/design-private-core.md); the version
 * states this package's compatibility for the bundles built against it.
 */
@Version("1.0.2")
package io.layerwise.core.layers;

import org.osgi.annotation.versioning.Version;
