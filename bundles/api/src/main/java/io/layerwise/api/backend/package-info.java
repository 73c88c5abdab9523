/** The active ND4J backend: flavour, threads, speed, and whether its BLAS kernels compute right. */
@Export
@Version("1.2.0")
package io.layerwise.api.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
