package io.layerwise.core.layers;

/**
 * The shape of one sample between two layers: {@code [channels, height, width]}, or a flat vector of
 * {@code channels} values ({@code flat}, height and width 1) after a dense layer or a flatten.
 */
public record Shape(int channels, int height, int width, boolean flat) {

    public Shape {
        if (channels < 1 || height < 1 || width < 1 || (flat && (height != 1 || width != 1))) {
            throw new IllegalArgumentException("not a sample shape: " + channels + "x" + height + "x" + width
                    + (flat ? " (flat)" : ""));
        }
    }

    public static Shape image(int channels, int height, int width) {
        return new Shape(channels, height, width, false);
    }

    public static Shape vector(int size) {
        return new Shape(size, 1, 1, true);
    }

    /** Values per sample. */
    public int size() {
        return Math.multiplyExact(channels, Math.multiplyExact(height, width));
    }

    /** The array shape of a batch of {@code n} such samples. */
    public long[] batch(long n) {
        return new long[] {n, channels, height, width};
    }

    @Override
    public String toString() {
        return flat ? "[" + channels + "] (flat)" : "[" + channels + ", " + height + ", " + width + "]";
    }
}
