/** Reading stage and pipeline parameters with errors that name the JSON path. */
@Export
@Version("1.1.1")
package io.layerwise.api.spec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
