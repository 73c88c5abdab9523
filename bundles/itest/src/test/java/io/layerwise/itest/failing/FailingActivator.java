package io.layerwise.itest.failing;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test bundle's activator (the bundle is assembled by {@link io.layerwise.itest.TestBundles}) that fails to start,
 * so that tests can watch what a user sees when such a bundle sits in deploy/.
 */
public final class FailingActivator implements BundleActivator {
    /** The message of the exception {@link #start} throws. */
    public static final String MESSAGE = "deliberate failure in start";

    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException(MESSAGE);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
