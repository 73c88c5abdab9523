/**
 * A complete autoencoder {@link io.layerwise.api.stage.Stage} built on {@link io.layerwise.core.nn}: spec
 * reading and validation, minibatching in file order, evaluation, parameter save/restore. Model bundles (ae,
 * dae, ...) add what differs, e.g. a {@link io.layerwise.core.ae.Corruption}.
 * <p>Not exported: each bundle that uses it carries a private copy (docs/design-private-core.md); the version
 * states this package's compatibility for the bundles built against it.
 */
@Version("2.3.0")
package io.layerwise.core.ae;

import org.osgi.annotation.versioning.Version;
