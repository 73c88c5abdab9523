package io.layerwise.model.dae.internal;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.core.ae.Corruption;

/**
 * The {@code noise} section of a dae stage: {@code {"kind":"mask","level":0.3}} (each input zeroed with
 * probability {@code level}), {@code {"kind":"gaussian","sigma":0.1}} ({@code x + N(0, sigma^2 I)}) or
 * {@code {"kind":"salt-and-pepper","level":0.3}} (a fraction {@code level} of the inputs set to 0 or 1 with
 * equal odds).
 *
 * @param amount the level (mask, salt-and-pepper) or sigma (gaussian)
 */
record NoiseOptions(String kind, double amount) {
    static final String MASK = "mask";
    static final String GAUSSIAN = "gaussian";
    static final String SALT_AND_PEPPER = "salt-and-pepper";

    NoiseOptions {
        boolean ok = switch (kind) {
            case MASK, SALT_AND_PEPPER -> amount >= 0 && amount <= 1;
            case GAUSSIAN -> amount >= 0 && Double.isFinite(amount);
            default -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException("bad noise " + kind + " " + amount);
        }
    }

    static NoiseOptions read(Spec noise) {
        String kind = noise.choice("kind", MASK, MASK, GAUSSIAN, SALT_AND_PEPPER);
        double amount = kind.equals(GAUSSIAN)
                ? noise.number("sigma", 0.1, Range.nonNegative())
                : noise.number("level", 0.3, Range.probability());
        return new NoiseOptions(kind, amount);
    }

    /** A corruption drawing from ND4J's native generator seeded with {@code seed}. */
    Corruption corruption(long seed) {
        return switch (kind) {
            case MASK -> new MaskingNoise(amount, seed);
            case GAUSSIAN -> new GaussianNoise(amount, seed);
            default -> new SaltAndPepperNoise(amount, seed);
        };
    }
}
