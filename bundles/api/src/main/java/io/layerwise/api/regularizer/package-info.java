/** Regularizers: penalties that labs add to a stage's loss as their own bundles. */
@Export
@Version("1.4.0")
package io.layerwise.api.regularizer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
