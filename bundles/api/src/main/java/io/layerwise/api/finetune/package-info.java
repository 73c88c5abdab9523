/** Supervised fine-tuning of a pretrained stack: the head plug-in point. */
@Export
@Version("1.1.0")
package io.layerwise.api.finetune;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
