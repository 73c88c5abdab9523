/**
 * Optimizers and learning-rate schedules for minibatch training: {@link io.layerwise.core.optim.Sgd} (plain,
 * momentum, Nesterov), {@link io.layerwise.core.optim.Adam}, {@link io.layerwise.core.optim.RmsProp},
 * {@link io.layerwise.core.optim.AdaGrad}, each one small class behind {@link io.layerwise.core.optim.Optimizer};
 * {@link io.layerwise.core.optim.Schedule} sets the learning rate per epoch; {@link io.layerwise.core.optim.OptimizerSpec}
 * reads a stage's {@code train.optimizer} JSON. Updates run in place on arrays allocated at construction; the state
 * ({@link io.layerwise.core.optim.OptimizerState}) is plain values for checkpoints.
 * <p>Not exported: each bundle that uses it carries a private copy (docs/design-private-core.md); the version
 * states this package's compatibility for the bundles built against it.
 */
@Version("1.4.1")
package io.layerwise.core.optim;

import org.osgi.annotation.versioning.Version;
