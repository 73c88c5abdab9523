package io.layerwise.api.data;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Registers a {@link DataSource} component under its name: {@code @DataSourceType("my-csv")} sets the service
 * property {@link DataSource#TYPE} ({@code layerwise.data.source.type}).
 *
 * <pre>{@code
 * package org.example.lab;
 *
 * import io.layerwise.api.data.DataSource;
 * import io.layerwise.api.data.DataSourceType;
 * import io.layerwise.api.data.Dataset;
 * import io.layerwise.api.data.FloatMatrix;
 * import io.layerwise.api.spec.Spec;
 * import org.osgi.service.component.annotations.Component;
 *
 * @Component(service = DataSource.class)
 * @DataSourceType("zeros")
 * public class ZerosDataSource implements DataSource {
 *     @Override
 *     public void validate(Spec spec) {
 *         spec.integer("rows", 100, 1, 1_000_000);
 *     }
 *
 *     @Override
 *     public Dataset load(Spec spec) {
 *         int rows = spec.integer("rows", 100, 1, 1_000_000);
 *         return new Dataset("zeros", FloatMatrix.zeros(rows, 4), null, null, null, Dataset.UNIT);
 *     }
 *
 *     @Override
 *     public String describe() {
 *         return "rows of four zeros (rows, default 100)";
 *     }
 * }
 * }</pre>
 *
 * @since 1.2
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface DataSourceType {
    String PREFIX_ = "layerwise.";

    /** The value of {@link DataSource#TYPE}: the name a pipeline uses in {@code data.source}. */
    String value();
}
