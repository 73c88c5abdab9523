package io.layerwise.web.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The installed HTTP Whiteboard implementations (bundles that provide {@code osgi.implementation=osgi.http}, Felix
 * HTTP's Jetty here). The launcher leaves Jetty stopped ({@code layerwise.start.onDemand}): the web view starts one
 * when it turns on (docs/performance.md, "Start: Jetty when the web view turns on").
 */
final class HttpImplementations {
    static final String NAMESPACE = "osgi.implementation";
    static final String HTTP = "osgi.http";

    private HttpImplementations() {
    }

    /**
     * Unless one is already started, starts the installed implementations; a failure goes to {@code notice}, naming
     * the bundle. Returns those it started.
     */
    static List<Bundle> startUnlessRunning(BundleContext context, Consumer<String> notice) {
        List<Bundle> stopped = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (!provides(b)) {
                continue;
            }
            if ((b.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                return List.of();
            }
            if ((b.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0) {
                stopped.add(b);
            }
        }
        List<Bundle> started = new ArrayList<>();
        for (Bundle b : stopped) {
            try {
                b.start(Bundle.START_TRANSIENT);
                started.add(b);
            } catch (BundleException | IllegalStateException e) {
                notice.accept("web view: the HTTP bundle " + b.getSymbolicName() + " did not start: " + e.getMessage());
            }
        }
        return started;
    }

    static boolean provides(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && revision.getDeclaredCapabilities(NAMESPACE).stream()
                .anyMatch(c -> HTTP.equals(c.getAttributes().get(NAMESPACE)));
    }
}
