package io.layerwise.data.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The {@code csv} and {@code idx} sources' settings, PID {@value #PID}: where their relative file names start. */
@ObjectClassDefinition(name = "Layerwise csv and idx data sources", description = "Where the csv and idx sources"
        + " resolve relative file names when a pipeline names no data.dir.")
@interface TableFilesConfig {
    String PID = "io.layerwise.data.files";

    @AttributeDefinition(name = "Default directory", description = "Directory that relative data.train, data.test,"
            + " data.trainImages, ... start from; relative to the working directory; empty: the working directory.")
    String dir() default "";
}
