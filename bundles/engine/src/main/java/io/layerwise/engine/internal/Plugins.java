package io.layerwise.engine.internal;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.stage.StageProvider;
import org.osgi.framework.BundleContext;

/**
 * The four kinds of plug-in the engine looks up by name. {@link #of} says which service properties name each kind:
 * changing how a kind is registered is a one-line edit there.
 */
record Plugins(Lookup<StageProvider> stages, Lookup<Regularizer> regularizers, Lookup<DataSource> sources,
        Lookup<FineTuner> heads) {

    static Plugins of(BundleContext context) {
        // the property types' keys, and the keys bundles built before them still register under
        return new Plugins(new Installed<>(context, StageProvider.class, StageProvider.TYPE, StageProvider.TYPE),
                new Installed<>(context, Regularizer.class, Regularizer.TYPE, Regularizer.NAME),
                new Installed<>(context, DataSource.class, DataSource.TYPE, DataSource.NAME),
                new Installed<>(context, FineTuner.class, FineTuner.TYPE, FineTuner.HEAD));
    }
}
