package io.layerwise.api.regularizer;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a {@link Regularizer} component under a name:
 * {@code @Component(service = Regularizer.class) @RegularizerService(name = "l1")}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface RegularizerService {
    String PREFIX_ = "layerwise.regularizer.";

    /** The value of {@link Regularizer#NAME}. */
    String name();
}
