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
 * {@link Lookup} in the OSGi service registry: services of one interface found by their name property (the
 * best-ranked one when several share a name) at the moment they are needed, never cached.
 *
 * @param <S> the service interface
 */
final class Installed<S> implements Lookup<S> {
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
    private Optional<ServiceReference<S>> find(String name) {
        try {
            String filter = "(|(" + property + "=" + escape(name) + ")(" + legacy + "=" + escape(name) + "))";
            return context.getServiceReferences(type, filter).stream().max(Comparator.naturalOrder());
        } catch (InvalidSyntaxException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Held<S>> take(String name) {
        return find(name).map(ref -> {
            var bundle = ref.getBundle(); // before getService: a bundle stopping meanwhile loses its name
            S service = context.getService(ref);
            return new Taken<>(context, ref, service, bundle == null ? null : bundle.getSymbolicName(),
                    bundle == null ? null : bundle.getVersion().toString());
        });
    }

    @Override
    public boolean has(String name) {
        return find(name).isPresent();
    }

    /** A service taken from the framework; closing it ungets the service. */
    private record Taken<S>(BundleContext context, ServiceReference<S> ref, S service, String bundle, String version)
            implements Held<S> {
        @Override
        public boolean gone() {
            return ref.getBundle() == null;
        }

        @Override
        public void close() {
            if (service != null) {
                release(context, ref);
            }
        }
    }

    /** All registrations, sorted by name. */
    private List<ServiceReference<S>> all() {
        try {
            List<ServiceReference<S>> refs = new ArrayList<>(context.getServiceReferences(type, null));
            refs.sort(Comparator.comparing(this::name));
            return refs;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private String name(ServiceReference<?> ref) {
        Object v = ref.getProperty(property) != null ? ref.getProperty(property) : ref.getProperty(legacy);
        if (v instanceof String[] a) {
            return String.join(",", Arrays.asList(a));
        }
        return String.valueOf(v);
    }

    @Override
    public String listing() {
        List<String> parts = new ArrayList<>();
        for (ServiceReference<S> ref : all()) {
            var b = ref.getBundle();
            parts.add(name(ref) + " (" + (b == null ? "unregistered" : b.getSymbolicName() + " " + b.getVersion()) + ")");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** Releases a service taken with {@code getService}; a stopping engine bundle has nothing left to release. */
    private static void release(BundleContext context, ServiceReference<?> ref) {
        try {
            context.ungetService(ref);
        } catch (IllegalStateException ignored) {
            // our bundle is stopping: the framework releases everything anyway
        }
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
