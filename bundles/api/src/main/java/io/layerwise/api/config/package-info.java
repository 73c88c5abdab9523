/**
 * Typed configuration through Configuration Admin: a component reads its PID's dictionary with {@link TypedConfig}
 * and reports what is in force, and where each value came from, as a {@link Configured} service.
 */
@Export
@Version("1.0.0")
package io.layerwise.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
