package io.layerwise.nd4j.runtime.internal;

import org.nd4j.common.config.ND4JClassLoading;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Points ND4J's service and class lookups at this bundle's class loader before anything touches
 * {@code Nd4j}; otherwise ND4J searches the thread context class loader and reports
 * {@code NoAvailableBackendException}. Deliberately does no ND4J work itself (start must stay quick).
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class Activator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        JavaCppDefaults.apply(context::getProperty);
        ND4JClassLoading.setNd4jClassloader(Activator.class.getClassLoader());
    }

    @Override
    public void stop(BundleContext context) {
        // Native libraries stay loaded for the life of the JVM; nothing to undo.
    }
}
