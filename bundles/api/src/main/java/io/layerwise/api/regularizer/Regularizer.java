package io.layerwise.api.regularizer;

import io.layerwise.api.spec.Spec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A penalty family that a stage can add to its loss, registered as a service with {@link #TYPE} (most easily
 * with {@link RegularizerType}). Labs ship their own as bundles; a stage's JSON lists them as
 * {@code "regularizers": [{"name": "l2", "lambda": 1e-4}]}.
 */
@ConsumerType
public interface Regularizer {
    /**
     * Service property: the name used in a stage's {@code regularizers[i].name}, as {@link RegularizerType} sets it.
     *
     * @since 1.4
     */
    String TYPE = "layerwise.regularizer.type";

    /**
     * Service property of registrations made before 1.4 (and with the deprecated {@link RegularizerService}); still
     * honoured wherever regularizers are looked up, so bundles built then keep working.
     */
    String NAME = "layerwise.regularizer.name";

    /**
     * Reads and validates this regularizer's parameters from its JSON object (the {@code name} field is
     * already read) and returns a penalty with fresh state, one per stage that uses it.
     */
    Penalty configure(Spec params);

    /** One line for {@code layerwise:regularizers}: the penalty and its parameters. */
    String describe();
}
