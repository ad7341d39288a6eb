package org.gradreg.trainer.compute;

/**
 * The geometry of one 2-D convolution over an NCHW batch: k×k kernel, stride, zero padding, no
 * bias, no dilation; kernel layout [k, k, in, out] (HWIO, the SameDiff graphs' layout).
 */
public record ConvShape(int batch, int in, int height, int width, int out, int k, int stride, int pad) {

    public int outHeight() {
        return (height + 2 * pad - k) / stride + 1;
    }

    public int outWidth() {
        return (width + 2 * pad - k) / stride + 1;
    }

    /** Rows of the column matrix: in·k·k. */
    public long columnRows() {
        return (long) in * k * k;
    }

    /** Output positions per example. */
    public long positions() {
        return (long) outHeight() * outWidth();
    }

    public ConvShape withBatch(int b) {
        return new ConvShape(b, in, height, width, out, k, stride, pad);
    }
}
