/** Submitting, watching and cancelling pipeline jobs. */
@Export
@Version("1.5.0")
package io.layerwise.api.pipeline;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
