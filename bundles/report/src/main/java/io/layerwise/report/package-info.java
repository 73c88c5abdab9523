/**
 * Pictures of a run, written as PNG (and one animated GIF) with no display: filter tiles and their animation over
 * the epochs, reconstructions, the latent scatter, loss curves, and {@code report.html}, which shows them all.
 */
@Export
@Version("1.1.0")
package io.layerwise.report;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
