/** Stage providers: the plug-in point of every model type (AE, DAE, RBM, whitening, ...). */
@Export
@Version("1.6.0")
package io.layerwise.api.stage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
