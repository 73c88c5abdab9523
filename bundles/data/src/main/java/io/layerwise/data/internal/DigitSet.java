package io.layerwise.data.internal;

import java.util.Arrays;

/** Labelled 28x28 byte images held in memory while they are converted, shuffled and split. */
record DigitSet(byte[] pixels, byte[] labels) {
    static final int PIXELS = DigitJson.PIXELS;

    DigitSet {
        if (pixels.length != labels.length * PIXELS) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixels");
        }
    }

    int count() {
        return labels.length;
    }

    /** The images of {@code perDigit[d]} (all labelled d), concatenated in digit order 0..9. */
    static DigitSet ofDigits(byte[][] perDigit) {
        int total = 0;
        for (byte[] p : perDigit) {
            total += p.length / PIXELS;
        }
        byte[] pixels = new byte[total * PIXELS];
        byte[] labels = new byte[total];
        int at = 0;
        for (int d = 0; d < perDigit.length; d++) {
            int n = perDigit[d].length / PIXELS;
            System.arraycopy(perDigit[d], 0, pixels, at * PIXELS, n * PIXELS);
            Arrays.fill(labels, at, at + n, (byte) d);
            at += n;
        }
        return new DigitSet(pixels, labels);
    }

    /** The images in the order {@code shuffle} puts their indices in. */
    DigitSet shuffled(SeededShuffle shuffle) {
        int[] order = new int[count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        shuffle.shuffle(order);
        byte[] p = new byte[pixels.length];
        byte[] l = new byte[labels.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(pixels, order[i] * PIXELS, p, i * PIXELS, PIXELS);
            l[i] = labels[order[i]];
        }
        return new DigitSet(p, l);
    }

    /** Images [from, to). */
    DigitSet range(int from, int to) {
        return new DigitSet(Arrays.copyOfRange(pixels, from * PIXELS, to * PIXELS), Arrays.copyOfRange(labels, from, to));
    }
}
