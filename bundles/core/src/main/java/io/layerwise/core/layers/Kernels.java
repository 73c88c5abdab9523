package io.layerwise.core.layers;

import java.util.Arrays;

/**
 * The convolutions' and batch-norm's loops over heap float arrays in c order (see {@link Floats}). An image batch is
 * {@code [n][c][h][w]}; a patch matrix {@code [c k k][n gh gw]} holds one column per window position of every
 * sample, the batch folded into the columns, so that one GEMM covers the minibatch. The grid {@code gh x gw} is the
 * output of a convolution (or the input of a transposed one), the image its input (or output): window (i, j) covers
 * rows {@code s i - p .. s i - p + k - 1} and the same columns, zero outside the image.
 */
final class Kernels {
    private Kernels() {
    }

    /**
     * Where sample q's channel ch of an {@code [n][c][m]} batch starts: {@code q sample + ch channel}. Images
     * ({@code [n][c][m]}, NCHW) have {@code sample = c m, channel = m}; channel-major arrays ({@code [c][n][m]}, the
     * layout of a GEMM's product with the batch folded into the columns) {@code sample = m, channel = n m}.
     */
    record Layout(int sample, int channel) {
        static Layout images(int n, int c, int m) {
            return new Layout(c * m, m);
        }

        static Layout channels(int n, int c, int m) {
            return new Layout(m, n * m);
        }

        int at(int q, int ch) {
            return q * sample + ch * channel;
        }

        /**
         * How many values of one channel lie in a row from {@code at(q, ch)}: all {@code n m} when the samples
         * follow each other (channel-major, or a single channel), else the {@code m} positions of one sample.
         */
        int run(int n, int m) {
            return sample == m ? n * m : m;
        }
    }

    /** The windows of {@code image} into {@code cols}, zeros where a window leaves the image. */
    static void im2col(float[] image, int n, int c, int h, int w, int k, int s, int p, int gh, int gw, float[] cols) {
        im2col(image, Layout.images(n, c, h * w), n, c, h, w, k, s, p, gh, gw, cols);
    }

    /** {@link #im2col} of an image batch laid out as {@code layout}, the samples split between two cores. */
    static void im2col(float[] image, Layout layout, int n, int c, int h, int w, int k, int s, int p, int gh, int gw,
            float[] cols) {
        Split.run(n, (long) c * k * k * n * gh * gw, (q0, q1) -> {
            if (wideRows(gw)) {
                im2colRows(image, layout, n, c, h, w, k, s, p, gh, gw, cols, q0, q1);
            } else {
                im2colAcross(image, layout, n, c, h, w, k, s, p, gh, gw, cols, q0, q1);
            }
        });
    }

    /** {@link #im2col} of samples {@code q0..q1-1} along the grid's rows. */
    private static void im2colRows(float[] image, Layout layout, int n, int c, int h, int w, int k, int s, int p,
            int gh, int gw, float[] cols, int q0, int q1) {
        int positions = gh * gw;
        int ld = n * positions;
        for (int ch = 0; ch < c; ch++) {
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    int row = ((ch * k + u) * k + v) * ld;
                    // the grid columns j whose image column s j + v - p lies inside: [j0, j1); the inner loops then
                    // run without a bounds test (they were written for C1, which the launcher ran the layers with)
                    int j0 = first(v - p, s);
                    int j1 = Math.max(j0, Math.min(gw, first(v - p - w, s)));
                    for (int q = q0; q < q1; q++) {
                        int src = layout.at(q, ch);
                        int dst = row + q * positions;
                        for (int i = 0; i < gh; i++, dst += gw) {
                            int hi = i * s + u - p;
                            if (hi < 0 || hi >= h) {
                                Arrays.fill(cols, dst, dst + gw, 0f);
                                continue;
                            }
                            if (j0 > 0) {
                                Arrays.fill(cols, dst, dst + j0, 0f);
                            }
                            int from = src + hi * w + v - p;
                            if (s == 1) {
                                System.arraycopy(image, from + j0, cols, dst + j0, j1 - j0);
                            } else {
                                for (int j = j0, at = from + j0 * s; j < j1; j++, at += s) {
                                    cols[dst + j] = image[at];
                                }
                            }
                            if (j1 < gw) {
                                Arrays.fill(cols, dst + j1, dst + gw, 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: {@code image} becomes the sum of every column over its window. */
    static void col2im(float[] cols, int n, int c, int h, int w, int k, int s, int p, int gh, int gw, float[] image) {
        col2im(cols, n, c, h, w, k, s, p, gh, gw, image, Layout.images(n, c, h * w));
    }

    /** {@link #col2im} into an image batch laid out as {@code layout}, the samples split between two cores. */
    static void col2im(float[] cols, int n, int c, int h, int w, int k, int s, int p, int gh, int gw, float[] image,
            Layout layout) {
        Split.run(n, (long) c * k * k * n * gh * gw, (q0, q1) -> {
            clear(image, layout, n, c, h * w, q0, q1); // each range writes only its own samples
            if (wideRows(gw)) {
                col2imRows(cols, n, c, h, w, k, s, p, gh, gw, image, layout, q0, q1);
            } else {
                col2imAcross(cols, n, c, h, w, k, s, p, gh, gw, image, layout, q0, q1);
            }
        });
    }

    /** Zeroes samples {@code q0..q1-1} of an {@code [n][c][m]} batch laid out as {@code layout}. */
    private static void clear(float[] image, Layout layout, int n, int c, int m, int q0, int q1) {
        int run = layout.run(n, m);
        for (int ch = 0; ch < c; ch++) {
            for (int q = q0; q < q1; q += run / m) {
                int from = layout.at(q, ch);
                Arrays.fill(image, from, from + Math.min(run, (q1 - q) * m), 0f);
            }
        }
    }

    /** {@link #col2im} of samples {@code q0..q1-1} along the grid's rows. */
    private static void col2imRows(float[] cols, int n, int c, int h, int w, int k, int s, int p, int gh, int gw,
            float[] image, Layout layout, int q0, int q1) {
        int positions = gh * gw;
        int ld = n * positions;
        for (int ch = 0; ch < c; ch++) {
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    int row = ((ch * k + u) * k + v) * ld;
                    int j0 = first(v - p, s);
                    int j1 = Math.max(j0, Math.min(gw, first(v - p - w, s)));
                    for (int q = q0; q < q1; q++) {
                        int dstImage = layout.at(q, ch);
                        int src = row + q * positions;
                        for (int i = 0; i < gh; i++, src += gw) {
                            int hi = i * s + u - p;
                            if (hi < 0 || hi >= h) {
                                continue;
                            }
                            for (int j = j0, at = dstImage + hi * w + v - p + j0 * s; j < j1; j++, at += s) {
                                image[at] += cols[src + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether the inner loops run along grid rows (a {@code System.arraycopy} at stride 1); on grids narrower than 8
     * they run across the samples instead, whose inner loop of n values costs less under C1 than a short row's few
     * (W5's transposed convolution 16 -> 8 has a 5 x 5 grid: 1.5 / 1.8 ms CPU forward / backward instead of about
     * 1.6 / 2.2 in LayerTimingTest; its 10- and 15-wide grids measured no better across). Under C2 too: rows took
     * 675 / 681 us for that layer's col2im / im2col against 627 / 530 across (a throwaway loop, 2026-12-07).
     */
    private static boolean wideRows(int gw) {
        return gw >= 8;
    }

    /**
     * {@link #im2col} of samples {@code q0..q1-1} with the samples innermost: for each window offset and grid position,
     * one value per sample.
     */
    private static void im2colAcross(float[] image, Layout layout, int n, int c, int h, int w, int k, int s, int p,
            int gh, int gw, float[] cols, int q0, int q1) {
        int positions = gh * gw;
        int ld = n * positions;
        for (int ch = 0; ch < c; ch++) {
            int base = layout.at(q0, ch);
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    int row = ((ch * k + u) * k + v) * ld;
                    for (int i = 0; i < gh; i++) {
                        int hi = i * s + u - p;
                        for (int j = 0; j < gw; j++) {
                            int wj = j * s + v - p;
                            int dst = row + q0 * positions + i * gw + j;
                            int end = row + q1 * positions + i * gw + j;
                            if (hi < 0 || hi >= h || wj < 0 || wj >= w) {
                                for (; dst < end; dst += positions) {
                                    cols[dst] = 0f;
                                }
                            } else {
                                for (int at = base + hi * w + wj; dst < end; dst += positions, at += layout.sample()) {
                                    cols[dst] = image[at];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@link #col2im} of samples {@code q0..q1-1} with the samples innermost, as {@link #im2colAcross}. */
    private static void col2imAcross(float[] cols, int n, int c, int h, int w, int k, int s, int p, int gh, int gw,
            float[] image, Layout layout, int q0, int q1) {
        int positions = gh * gw;
        int ld = n * positions;
        for (int ch = 0; ch < c; ch++) {
            int base = layout.at(q0, ch);
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    int row = ((ch * k + u) * k + v) * ld;
                    for (int i = 0; i < gh; i++) {
                        int hi = i * s + u - p;
                        for (int j = 0; j < gw; j++) {
                            int wj = j * s + v - p;
                            if (hi < 0 || hi >= h || wj < 0 || wj >= w) {
                                continue;
                            }
                            int src = row + q0 * positions + i * gw + j;
                            int end = row + q1 * positions + i * gw + j;
                            for (int at = base + hi * w + wj; src < end; src += positions, at += layout.sample()) {
                                image[at] += cols[src];
                            }
                        }
                    }
                }
            }
        }
    }

    /** The smallest j >= 0 with {@code s j + offset >= 0}. */
    private static int first(int offset, int s) {
        return offset >= 0 ? 0 : (-offset + s - 1) / s;
    }

    // The sums below keep several partial sums: one double accumulator is a chain of dependent additions (4 cycles
    // each), which bounded batch-norm's passes under C1 and C2 alike. The order is fixed, so results stay repeatable.

    /** {@code x[from] + ... + x[from + len - 1]} in double. */
    static double sum(float[] x, int from, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (int end = from + len - 3; i < end; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (int end = from + len; i < end; i++) {
            s0 += x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code (x[i] - mu)^2} summed over the {@code len} values from {@code from}, in double. */
    static double squaredDeviations(float[] x, int from, int len, double mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (int end = from + len - 3; i < end; i += 4) {
            double d0 = x[i] - mu;
            double d1 = x[i + 1] - mu;
            double d2 = x[i + 2] - mu;
            double d3 = x[i + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (int end = from + len; i < end; i++) {
            double d = x[i] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Adds {@code a[ai + i]} summed over {@code i < len} to {@code acc[0]} and {@code a[ai + i] b[bi + i]} (a float
     * product) summed to {@code acc[1]}, in double.
     */
    static void sumAndDot(float[] a, int ai, float[] b, int bi, int len, double[] acc) {
        double s0 = 0;
        double s1 = 0;
        double d0 = 0;
        double d1 = 0;
        int i = 0;
        for (; i < len - 1; i += 2) {
            float a0 = a[ai + i];
            float a1 = a[ai + i + 1];
            s0 += a0;
            s1 += a1;
            d0 += a0 * b[bi + i];
            d1 += a1 * b[bi + i + 1];
        }
        if (i < len) {
            s0 += a[ai + i];
            d0 += a[ai + i] * b[bi + i];
        }
        acc[0] += s0 + s1;
        acc[1] += d0 + d1;
    }

    /** {@code [n][c][m]} to {@code [c][n][m]}: the batch moved next to the positions, for a GEMM over all samples. */
    static void toChannels(float[] src, int n, int c, int m, float[] dst) {
        Split.run(n, (long) n * c * m, (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(src, (q * c + ch) * m, dst, (ch * n + q) * m, m);
                }
            }
        });
    }

    /** {@code [c][n][m]} to {@code [n][c][m]} plus {@code bias[ch]} (none when null): a GEMM's product as images. */
    static void toSamples(float[] src, int c, int n, int m, float[] bias, float[] dst) {
        Split.run(n, (long) n * c * m, (q0, q1) -> {
            for (int ch = 0; ch < c; ch++) {
                float b = bias == null ? 0f : bias[ch];
                for (int q = q0; q < q1; q++) {
                    int from = (ch * n + q) * m;
                    int to = (q * c + ch) * m;
                    for (int t = 0; t < m; t++) {
                        dst[to + t] = src[from + t] + b;
                    }
                }
            }
        });
    }

    /** Per channel of {@code [n][c][m]}, the sum over samples and positions (in double), into {@code sums}. */
    static void channelSums(float[] src, int n, int c, int m, float[] sums) {
        channelSums(src, Layout.images(n, c, m), n, c, m, sums);
    }

    /** {@link #channelSums} of a batch laid out as {@code layout}. */
    static void channelSums(float[] src, Layout layout, int n, int c, int m, float[] sums) {
        Split.run(c, (long) n * c * m, (ch0, ch1) -> {
            for (int ch = ch0; ch < ch1; ch++) {
                sums[ch] = (float) channelSum(src, layout, n, m, ch);
            }
        });
    }

    /** The sum over samples and positions of channel {@code ch} of a batch laid out as {@code layout}, in double. */
    static double channelSum(float[] src, Layout layout, int n, int m, int ch) {
        int run = layout.run(n, m);
        double sum = 0;
        for (int q = 0; q < n; q += run / m) {
            sum += sum(src, layout.at(q, ch), run);
        }
        return sum;
    }

    // The rectifier and its derivative as minima and maxima, which C2 turns into vector instructions: the branch
    // v > 0 ? v : slope v mispredicts on half the values (6 ns a value, no conditional move), a lookup of {1, slope}
    // by the sign bits took 1.3 ns but stays scalar; these take 0.4 ns (docs/performance.md, "The conv AE on both
    // cores"). Both are exact for 0 <= slope <= 1, the slopes ConvBlock takes.

    /** {@code v > 0 ? v : slope v} for {@code 0 <= slope <= 1} (-0 stays -0, as {@code slope v} makes it). */
    static float rectify(float v, float slope) {
        return Math.max(v, slope * v);
    }

    /**
     * The rectifier's derivative at an output {@code y} of it, for {@code 0 <= slope <= 1}: 1 where {@code y > 0},
     * else {@code slope} (NaN for NaN). {@code y 2^200} is infinite or at least 2^51 for every positive float.
     */
    static float rectifierSlope(float y, float slope) {
        return Math.max(Math.min(y * 0x1p100f * 0x1p100f, 1f), slope);
    }
}
