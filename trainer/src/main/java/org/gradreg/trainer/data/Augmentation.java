package org.gradreg.trainer.data;

/**
 * The basic CIFAR augmentation (as in the authors' code): pad by {@code pad} pixels with
 * reflection (numpy/TF "reflect": the edge pixel is not repeated), take a random crop of the
 * original size, flip horizontally with probability ½. Pixels are normalised per channel on the way:
 * {@code (v/255 − mean_c)/std_c}.
 */
public final class Augmentation {

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
        int plane = h * w;
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            int sBase = srcOff + c * plane;
            int dBase = dstOff + c * plane;
            for (int y = 0; y < h; y++) {
                int sy = reflect(y + dy - pad, h);
                for (int x = 0; x < w; x++) {
                    int xx = flip ? w - 1 - x : x;
                    int sx = reflect(xx + dx - pad, w);
                    float v = (src[sBase + sy * w + sx] & 0xff) / 255f;
                    dst[dBase + y * w + x] = (v - m) * inv;
                }
            }
        }
    }
}
