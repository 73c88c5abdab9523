/** Reading sample matrices from IDX or CSV files and writing files atomically, for the platform's own bundles. */
@Export
@Version("1.1.0")
package io.layerwise.data.files;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
