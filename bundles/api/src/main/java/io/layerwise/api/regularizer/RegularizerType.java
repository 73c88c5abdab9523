package io.layerwise.api.regularizer;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a {@link Regularizer} component under its name: {@code @RegularizerType("my-l2")} sets the service
 * property {@link Regularizer#TYPE} ({@code layerwise.regularizer.type}).
 *
 * <pre>{@code
 * package org.example.lab;
 *
 * import io.layerwise.api.regularizer.Penalty;
 * import io.layerwise.api.regularizer.Regularizer;
 * import io.layerwise.api.regularizer.RegularizerType;
 * import io.layerwise.api.spec.Range;
 * import io.layerwise.api.spec.Spec;
 * import org.nd4j.linalg.api.ndarray.INDArray;
 * import org.osgi.service.component.annotations.Component;
 *
 * @Component(service = Regularizer.class)
 * @RegularizerType("my-l2")
 * public class MyL2Regularizer implements Regularizer {
 *     @Override
 *     public Penalty configure(Spec params) {
 *         double lambda = params.number("lambda", 1e-4, Range.nonNegative());
 *         return new Penalty() {
 *             @Override
 *             public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
 *                 gradWeights.addi(weights.mul(2 * lambda));
 *                 return lambda * weights.mul(weights).sumNumber().doubleValue();
 *             }
 *
 *             @Override
 *             public String describe() {
 *                 return "my-l2(lambda=" + lambda + ")";
 *             }
 *         };
 *     }
 *
 *     @Override
 *     public String describe() {
 *         return "lambda*||W||^2; lambda >= 0, default 1e-4";
 *     }
 * }
 * }</pre>
 *
 * @since 1.4
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface RegularizerType {
    String PREFIX_ = "layerwise.";

    /** The value of {@link Regularizer#TYPE}: the name a stage uses in {@code regularizers[i].name}. */
    String value();
}
