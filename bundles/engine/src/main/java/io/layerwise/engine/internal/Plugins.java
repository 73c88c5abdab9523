package io.layerwise.engine.internal;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.stage.StageProvider;
import org.osgi.framework.BundleContext;

/**
 * The four kinds of plug-in the engine looks up by name. {@link #of} says which service property names each kind:
 * changing how a kind is registered is a one-line edit there.
 */
record Plugins(Lookup<StageProvider> stages, Lookup<Regularizer> regularizers, Lookup<DataSource> sources,
        Lookup<FineTuner> heads) {

    static Plugins of(BundleContext context) {
        return new Plugins(new Installed<>(context, StageProvider.class, StageProvider.TYPE),
                new Installed<>(context, Regularizer.class, Regularizer.NAME),
                new Installed<>(context, DataSource.class, DataSource.NAME),
                new Installed<>(context, FineTuner.class, FineTuner.HEAD));
    }
}
