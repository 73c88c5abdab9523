package io.layerwise.api.stage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a {@link StageProvider} component for a stage type:
 * {@code @Component(service = StageProvider.class) @StageType("dae")}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface StageType {
    String PREFIX_ = "layerwise.stage.";

    /** The value of {@link StageProvider#TYPE}. */
    String type();
}
