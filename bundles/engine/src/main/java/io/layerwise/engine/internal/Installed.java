package io.layerwise.engine.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Looks plug-in services up by their name property at the moment they are needed (never cached), so an
 * updated or newly deployed bundle is used from the next lookup on.
 *
 * @param <S> the service interface
 */
final class Installed<S> {
    private final BundleContext context;
    private final Class<S> type;
    private final String property;
    /** The key registrations used before the property types (deployed bundles still use it); may equal property. */
    private final String legacy;

    Installed(BundleContext context, Class<S> type, String property, String legacy) {
        this.context = context;
        this.type = type;
        this.property = property;
        this.legacy = legacy;
    }

    /** The best-ranked service registered under {@code name}, if any. */
    Optional<ServiceReference<S>> find(String name) {
        try {
            String filter = "(|(" + property + "=" + escape(name) + ")(" + legacy + "=" + escape(name) + "))";
            return context.getServiceReferences(type, filter).stream().max(Comparator.naturalOrder());
        } catch (InvalidSyntaxException e) {
            return Optional.empty();
        }
    }

    /** All registrations, sorted by name. */
    List<ServiceReference<S>> all() {
        try {
            List<ServiceReference<S>> refs = new ArrayList<>(context.getServiceReferences(type, null));
            refs.sort(Comparator.comparing(this::name));
            return refs;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    String name(ServiceReference<?> ref) {
        Object v = ref.getProperty(property) != null ? ref.getProperty(property) : ref.getProperty(legacy);
        if (v instanceof String[] a) {
            return String.join(",", Arrays.asList(a));
        }
        return String.valueOf(v);
    }

    /** {@code "ae (io.layerwise.model-ae 0.1.0), dae (...)"}, or {@code "none"}. */
    String listing() {
        List<String> parts = new ArrayList<>();
        for (ServiceReference<S> ref : all()) {
            parts.add(name(ref) + " (" + bundleOf(ref) + ")");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** Releases a service taken with {@code getService}; a stopping engine bundle has nothing left to release. */
    static void release(BundleContext context, ServiceReference<?> ref) {
        try {
            context.ungetService(ref);
        } catch (IllegalStateException ignored) {
            // our bundle is stopping: the framework releases everything anyway
        }
    }

    static String bundleOf(ServiceReference<?> ref) {
        var b = ref.getBundle();
        return b == null ? "unregistered" : b.getSymbolicName() + " " + b.getVersion();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
