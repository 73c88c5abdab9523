package io.layerwise.api.data;

import io.layerwise.api.spec.Spec;
import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A named source of samples (MNIST IDX files, CSV, synthetic sets), registered as a service with {@link #TYPE}
 * (most easily with {@link DataSourceType}). A pipeline's {@code data} section names the source in {@code source}
 * and passes the rest of the section as {@link Spec}.
 */
@ConsumerType
public interface DataSource {
    /**
     * Service property: the name a pipeline uses in {@code data.source}, as {@link DataSourceType} sets it.
     *
     * @since 1.2
     */
    String TYPE = "layerwise.data.source.type";

    /**
     * Service property of registrations made before 1.2; still honoured wherever data sources are looked up, so
     * bundles built then keep working.
     */
    String NAME = "layerwise.data.name";

    /** Checks the data section's fields (path, limits) without reading any file. */
    void validate(Spec spec);

    /**
     * Loads the data set. A defect in a file is an {@link IOException} whose message names the file and,
     * where it applies, the byte offset or line.
     */
    Dataset load(Spec spec) throws IOException;

    /** One line for listings: what this source reads and from where by default. */
    String describe();
}
