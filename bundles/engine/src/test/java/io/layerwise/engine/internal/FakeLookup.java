package io.layerwise.engine.internal;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service registry as the engine sees it ({@link Lookup}), in a map: a test registers and unregisters services
 * by name, with the bundle and version they come from, while a job runs.
 */
final class FakeLookup<S> implements Lookup<S> {
    private record Registration<S>(S service, String bundle, String version) {
    }

    private final Map<String, Registration<S>> registered = new TreeMap<>();
    /** Services taken and not yet given back: a job must leave none behind. */
    final AtomicInteger held = new AtomicInteger();

    synchronized FakeLookup<S> register(String name, S service, String bundle, String version) {
        registered.put(name, new Registration<>(service, bundle, version));
        return this;
    }

    synchronized void unregister(String name) {
        registered.remove(name);
    }

    private synchronized Registration<S> get(String name) {
        return registered.get(name);
    }

    @Override
    public Optional<Held<S>> take(String name) {
        Registration<S> r = get(name);
        if (r == null) {
            return Optional.empty();
        }
        held.incrementAndGet();
        return Optional.of(new Held<>() {
            private boolean closed;

            @Override
            public S service() {
                return r.service();
            }

            @Override
            public String bundle() {
                return r.bundle();
            }

            @Override
            public String version() {
                return r.version();
            }

            @Override
            public boolean gone() {
                return get(name) != r; // unregistered, or replaced by another bundle's
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    held.decrementAndGet();
                }
            }
        });
    }

    @Override
    public boolean has(String name) {
        return get(name) != null;
    }

    @Override
    public synchronized String listing() {
        StringBuilder sb = new StringBuilder();
        registered.forEach((name, r) -> sb.append(sb.length() == 0 ? "" : ", ").append(name).append(" (")
                .append(r.bundle()).append(' ').append(r.version()).append(')'));
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
