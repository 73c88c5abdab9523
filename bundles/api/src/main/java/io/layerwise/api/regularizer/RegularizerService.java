package io.layerwise.api.regularizer;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a {@link Regularizer} component under {@link Regularizer#NAME}:
 * {@code @RegularizerType("l1")}. Kept so that regularizer sources written before 1.4 still compile and
 * register; the engine finds regularizers under either key.
 *
 * @deprecated use {@link RegularizerType}, which follows the {@code @<Kind>Type("name")} rule of every plug-in kind
 */
@Deprecated
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface RegularizerService {
    String PREFIX_ = "layerwise.regularizer.";

    /** The value of {@link Regularizer#NAME}. */
    String name();
}
