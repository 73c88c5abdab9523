package io.layerwise.core.optim;

/**
 * The learning rate of each epoch (counted from 0) as a function of the optimizer's base rate {@code lr}. An
 * optimizer applies it when told that an epoch starts ({@link Optimizer#startEpoch}); within an epoch the rate
 * is constant.
 */
public sealed interface Schedule {

    /** The rate for {@code epoch} (0 = the first), given the base rate. */
    double lr(double base, int epoch);

    /** The JSON {@code kind}. */
    String kind();

    /** {@code lr} every epoch. */
    record Constant() implements Schedule {
        @Override
        public double lr(double base, int epoch) {
            return base;
        }

        @Override
        public String kind() {
            return "constant";
        }
    }

    /**
     * {@code lr * factor^floor(epoch / every)}: the rate is multiplied by {@code factor} every {@code every} epochs.
     *
     * @param every  epochs between drops, at least 1
     * @param factor in (0, 1]
     */
    record Step(int every, double factor) implements Schedule {
        public Step {
            if (every < 1) {
                throw new IllegalArgumentException("every must be >= 1, got " + every);
            }
            if (!(factor > 0 && factor <= 1)) {
                throw new IllegalArgumentException("factor must be in (0, 1], got " + factor);
            }
        }

        @Override
        public double lr(double base, int epoch) {
            return base * Math.pow(factor, epoch / every);
        }

        @Override
        public String kind() {
            return "step";
        }
    }

    /**
     * {@code lr * gamma^epoch}.
     *
     * @param gamma in (0, 1]
     */
    record Exponential(double gamma) implements Schedule {
        public Exponential {
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
        }

        @Override
        public double lr(double base, int epoch) {
            return base * Math.pow(gamma, epoch);
        }

        @Override
        public String kind() {
            return "exponential";
        }
    }

    /**
     * Half a cosine from {@code lr} at the start of the stage to {@code minLr} at its end (SGDR without restarts,
     * PyTorch's {@code CosineAnnealingLR}): epoch {@code e} of {@code epochs} trains at
     * {@code minLr + (lr - minLr) (1 + cos(pi e / epochs)) / 2}, so the first epoch uses {@code lr} and the last
     * one a little more than {@code minLr}; epochs past the last stay at {@code minLr}.
     *
     * @param minLr  the rate the curve ends at, {@code >= 0} (at most the base rate, which {@link OptimizerSpec}
     *               checks)
     * @param epochs the stage's epochs, at least 1
     */
    record Cosine(double minLr, int epochs) implements Schedule {
        public Cosine {
            if (!(minLr >= 0) || Double.isInfinite(minLr)) {
                throw new IllegalArgumentException("minLr must be >= 0 and finite, got " + minLr);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
        }

        @Override
        public double lr(double base, int epoch) {
            if (epoch >= epochs) {
                return minLr;
            }
            return minLr + (base - minLr) * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
        }

        @Override
        public String kind() {
            return "cosine";
        }
    }
}
