package io.layerwise.engine.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;

/**
 * A stage provider's {@code create} threw something other than a {@link SpecException}: a plug-in's bug, not a bad
 * pipeline. The message is one line naming the stage (index and type), the provider's bundle (symbolic name and
 * version) and what it threw; the cause keeps the trace for a log.
 */
final class ProviderFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private ProviderFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code provider.create(spec, context)} for stage {@code index} (0-based) of type {@code type}. A
     * {@link SpecException} passes unchanged: it names the JSON path of a bad value, which is the pipeline's fault.
     * Running out of memory while the stage is made is one line too, with the memory limits.
     */
    static Stage create(Lookup.Held<StageProvider> provider, int index, String type, Spec spec, StageContext context)
            throws ProviderFailure {
        String bundle = provider.bundleAndVersion(); // taken with the service: a bundle stopping meanwhile loses its name
        try {
            return provider.service().create(spec, context);
        } catch (SpecException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new ProviderFailure("stage " + (index + 1) + " (" + type + "): "
                    + MemoryBudget.outOfMemory("creating the stage", e), e);
        } catch (RuntimeException | LinkageError e) {
            throw new ProviderFailure("stage " + (index + 1) + " (" + type + "): its provider " + bundle
                    + " failed to create the stage: " + messageOf(e), e);
        }
    }

    /** The exception's message, or its class's simple name when it has none. */
    static String messageOf(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().replace('\n', ' ');
    }
}
