package io.layerwise.api.stage;

import io.layerwise.api.spec.Spec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates stages of one type (a model bundle's only service). Registered with the property {@link #TYPE};
 * the engine looks the provider up when a stage starts, so an updated bundle is used from the next stage on.
 */
@ConsumerType
public interface StageProvider {
    /** Service property: the stage type a pipeline names in {@code stages[i].type}, e.g. {@code "dae"}. */
    String TYPE = "layerwise.stage.type";

    /**
     * Reads and validates the stage's fields from {@code spec} (throwing {@link io.layerwise.api.spec.SpecException}
     * with the JSON path of a bad value) and creates the stage with freshly initialised parameters. Must be
     * cheap enough to call once per stage just to validate a pipeline: no training, no file access. Before
     * allocating its arrays it states their sizes to {@link StageContext#reserve}, which refuses a stage that would
     * not fit in memory.
     */
    Stage create(Spec spec, StageContext context);

    /** One line for {@code layerwise:types}. */
    String describe();
}
