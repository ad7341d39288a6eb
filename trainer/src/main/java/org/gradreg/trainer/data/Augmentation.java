package org.gradreg.trainer.data;

import java.util.Objects;

/**
 * Training-time augmentation: pad by {@code pad} pixels, take a random crop of the original size
 * and, if the data set's {@link Policy} allows it, flip horizontally with probability ½. Pixels
 * are normalised per channel on the way: {@code (v/255 − mean_c)/std_c}.
 *
 * <ul>
 *   <li>{@link #CIFAR} (as in the authors' code): reflection padding (numpy/TF "reflect": the edge
 *       pixel is not repeated), 4 pixels, flips.</li>
 *   <li>{@link #MNIST_STYLE} (Fashion-MNIST): padding with pixel value 0, 4 pixels, no flips; see
 *       {@link FashionMnist} for why.</li>
 * </ul>
 */
public final class Augmentation {

    /** How the border outside the image is filled before cropping. */
    public enum Padding {
        /** Mirror the image at its edge, the edge pixel not repeated (numpy "reflect"). */
        REFLECT,
        /**
         * Pixel value 0 (on the raw 0-255 scale, i.e. {@code −mean/std} after normalisation): the
         * black background of MNIST-style images, so a crop is a translation of the object on its
         * background.
         */
        ZERO
    }

    /**
     * A data set's training augmentation.
     *
     * @param pad      padding in pixels on each side (crop offsets are drawn from [0, 2·pad])
     * @param padding  how the border is filled
     * @param flip     horizontal flips with probability ½
     */
    public record Policy(int pad, Padding padding, boolean flip) {
        public Policy {
            Objects.requireNonNull(padding, "padding");
            if (pad < 0) {
                throw new IllegalArgumentException("padding must be >= 0 pixels, got " + pad);
            }
        }
    }

    /** CIFAR's basic augmentation: 4-pixel reflect pad, random crop, horizontal flip. */
    public static final Policy CIFAR = new Policy(4, Padding.REFLECT, true);
    /** MNIST-style 28×28 grey images on a black background: 4-pixel zero pad, random crop, no flip. */
    public static final Policy MNIST_STYLE = new Policy(4, Padding.ZERO, false);

    private Augmentation() {
    }

    /** Reflect-pad index: maps −1 → 1, n → n − 2 (valid for pad &lt; n). */
    static int reflect(int k, int n) {
        if (k < 0) {
            return -k;
        }
        if (k >= n) {
            return 2 * n - 2 - k;
        }
        return k;
    }

    /**
     * Writes one normalised image into {@code dst} at {@code dstOff}: the crop at offset
     * ({@code dy}, {@code dx}) in [0, 2·pad] of the reflect-padded image, mirrored if {@code flip}.
     * {@code dy = dx = pad} and no flip is the identity (plain normalisation).
     */
    public static void cropFlip(byte[] src, int srcOff, int channels, int h, int w, int pad, int dy, int dx, boolean flip,
                                float[] mean, float[] std, float[] dst, int dstOff) {
        crop(src, srcOff, channels, h, w, pad, Padding.REFLECT, dy, dx, flip, mean, std, dst, dstOff);
    }

    /**
     * Writes one normalised image into {@code dst} at {@code dstOff}: the crop at offset
     * ({@code dy}, {@code dx}) in [0, 2·pad] of the image padded as {@code padding} says, mirrored
     * if {@code flip}. {@code dy = dx = pad} and no flip is the identity (plain normalisation).
     */
    public static void crop(byte[] src, int srcOff, int channels, int h, int w, int pad, Padding padding, int dy, int dx,
                            boolean flip, float[] mean, float[] std, float[] dst, int dstOff) {
        int plane = h * w;
        boolean reflect = padding == Padding.REFLECT;
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            float background = -m * inv;
            int sBase = srcOff + c * plane;
            int dBase = dstOff + c * plane;
            for (int y = 0; y < h; y++) {
                int sy = y + dy - pad;
                boolean rowInside = sy >= 0 && sy < h;
                if (reflect) {
                    sy = reflect(sy, h);
                    rowInside = true;
                }
                for (int x = 0; x < w; x++) {
                    int xx = flip ? w - 1 - x : x;
                    int sx = xx + dx - pad;
                    if (reflect) {
                        sx = reflect(sx, w);
                    } else if (!rowInside || sx < 0 || sx >= w) {
                        dst[dBase + y * w + x] = background;
                        continue;
                    }
                    float v = (src[sBase + sy * w + sx] & 0xff) / 255f;
                    dst[dBase + y * w + x] = (v - m) * inv;
                }
            }
        }
    }
}
