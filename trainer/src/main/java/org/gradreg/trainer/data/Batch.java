package org.gradreg.trainer.data;

/**
 * One mini-batch: normalised images in NCHW order ({@code size·C·H·W} floats) and their labels.
 */
public record Batch(float[] images, int[] labels, int size, int channels, int height, int width) {
}
