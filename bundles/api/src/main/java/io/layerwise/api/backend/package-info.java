/** The active ND4J backend: flavour, threads, speed. */
@Export
@Version("1.1.0")
package io.layerwise.api.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
