/** Data sets as plain float matrices, and the data-source plug-in point. */
@Export
@Version("1.2.0")
package io.layerwise.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
