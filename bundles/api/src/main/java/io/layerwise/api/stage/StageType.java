package io.layerwise.api.stage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a {@link StageProvider} component under its stage type: {@code @StageType("my-ae")} sets the service
 * property {@link StageProvider#TYPE} ({@code layerwise.stage.type}). Every plug-in kind has such a type, named
 * {@code @<Kind>Type("name")}: {@code @StageType}, {@code @io.layerwise.api.regularizer.RegularizerType},
 * {@code @io.layerwise.api.data.DataSourceType}, {@code @io.layerwise.api.finetune.HeadType}.
 *
 * <pre>{@code
 * package org.example.lab;
 *
 * import io.layerwise.api.spec.Spec;
 * import io.layerwise.api.stage.Stage;
 * import io.layerwise.api.stage.StageContext;
 * import io.layerwise.api.stage.StageProvider;
 * import io.layerwise.api.stage.StageType;
 * import org.osgi.service.component.annotations.Component;
 *
 * @Component(service = StageProvider.class)
 * @StageType("my-ae")
 * public class MyStageProvider implements StageProvider {
 *     @Override
 *     public Stage create(Spec spec, StageContext context) {
 *         int hidden = spec.integer("hidden", 64, 1, 100_000);
 *         throw new UnsupportedOperationException("build a stage of " + hidden + " units here");
 *     }
 *
 *     @Override
 *     public String describe() {
 *         return "my autoencoder";
 *     }
 * }
 * }</pre>
 *
 * The key is derived from this annotation's name by Declarative Services (a single-element property type:
 * {@code StageType} gives {@code stage.type}, after {@link #PREFIX_}).
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface StageType {
    String PREFIX_ = "layerwise.";

    /** The value of {@link StageProvider#TYPE}: the name a pipeline uses in {@code stages[i].type}. */
    String value();
}
