package io.layerwise.api.config;

import org.osgi.annotation.versioning.ProviderType;

/** A component configured through Configuration Admin; {@code layerwise:config} lists them. */
@ProviderType
public interface Configured {

    /** What is in force now. */
    Settings settings();
}
