package io.layerwise.engine.internal;

import java.util.Optional;

/**
 * The engine's one seam to the service registry: plug-in services of one kind (stage providers, regularizers, data
 * sources, fine-tuning heads) found by name at the moment they are needed, never cached, so that an updated or newly
 * deployed bundle is used from the next look-up on. {@link Installed} is the OSGi implementation; unit tests give the
 * engine a map of their own, so its sequencing (a provider that goes away and comes back included) runs without a
 * framework.
 *
 * @param <S> the service interface
 */
interface Lookup<S> {
    /**
     * The best-ranked service registered under {@code name}, taken for use until the returned handle is closed; empty
     * when none is registered.
     */
    Optional<Held<S>> take(String name);

    /** Whether a service is registered under {@code name} now (nothing is taken). */
    boolean has(String name);

    /** {@code "ae (io.layerwise.model-ae 0.1.0), dae (...)"}, or {@code "none"}: for messages. */
    String listing();

    /** A service in use, with the bundle that registered it. */
    interface Held<S> extends AutoCloseable {
        /** The service; null when it went away between the look-up and its use. */
        S service();

        /** The registering bundle's symbolic name, taken with the service (a bundle stopping later loses it); null if gone. */
        String bundle();

        /** The registering bundle's version, as {@link #bundle()}. */
        String version();

        /** True once the service is unregistered: its bundle stops or is updated. */
        boolean gone();

        /** {@code "io.layerwise.model-ae 0.1.0"}, or {@code "unregistered"}. */
        default String bundleAndVersion() {
            return bundle() == null ? "unregistered" : bundle() + " " + version();
        }

        /** Gives the service back; never throws. */
        @Override
        void close();
    }
}
