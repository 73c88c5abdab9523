package io.layerwise.api.finetune;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a {@link FineTuner} component under its head's name: {@code @HeadType("softmax")} sets the service
 * property {@link FineTuner#TYPE} ({@code layerwise.finetune.head.type}).
 *
 * <pre>{@code
 * package org.example.lab;
 *
 * import io.layerwise.api.finetune.FineTuner;
 * import io.layerwise.api.finetune.HeadType;
 * import io.layerwise.api.finetune.Network;
 * import io.layerwise.api.spec.Spec;
 * import io.layerwise.api.stage.DenseLayer;
 * import java.util.List;
 * import org.osgi.service.component.annotations.Component;
 *
 * @Component(service = FineTuner.class)
 * @HeadType("my-head")
 * public class MyHead implements FineTuner {
 *     @Override
 *     public Network create(Spec spec, List<DenseLayer> encoders, List<DenseLayer> decoders, int inputs,
 *             int classes, long seed) {
 *         int epochs = spec.integer("epochs", 10, 1, 10_000);
 *         throw new UnsupportedOperationException("build a network of " + encoders.size() + " layers, " + epochs
 *                 + " epochs, here");
 *     }
 *
 *     @Override
 *     public String describe() {
 *         return "my classifier head";
 *     }
 * }
 * }</pre>
 *
 * @since 1.1
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HeadType {
    String PREFIX_ = "layerwise.finetune.";

    /** The value of {@link FineTuner#TYPE}: the name a pipeline uses in {@code finetune.head}. */
    String value();
}
