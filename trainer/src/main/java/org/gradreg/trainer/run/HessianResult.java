package org.gradreg.trainer.run;

import java.util.Locale;

/**
 * What {@code gradreg hessian} measured on a run's last checkpoint, as {@value RunDir#HESSIAN}
 * holds it: the top Hessian eigenvalues and the Hutchinson trace on one fixed training batch, and
 * the norm of the full training-set gradient, and the settings it was measured with. Files written
 * before the residuals, the gradient norm or the settings were recorded read with those fields null.
 *
 * @param run                   the run directory
 * @param batch                 images in the fixed batch
 * @param topEigenvalues        the top eigenvalues, largest first
 * @param topResiduals          each eigenvalue's power-iteration residual ‖H'v − λv‖ (an error bound for the iteration; null in older files)
 * @param trace                 the trace estimate
 * @param traceStandardError    its standard error over the Rademacher vectors
 * @param traceSamples          Rademacher vectors used
 * @param hessianVectorProducts Hessian-vector products computed in all
 * @param seconds               wall time
 * @param fullGradNorm          ‖∇L(θ)‖ of the mean training loss over every training image (evaluation mode, the run's label
 *                              smoothing, no weight decay); null when not measured
 * @param fullGradImages        training images in that gradient
 * @param settings              how it was measured (null in files written before the settings were recorded)
 */
public record HessianResult(String run, int batch, double[] topEigenvalues, double[] topResiduals, double trace, double traceStandardError,
                            int traceSamples, long hessianVectorProducts, double seconds, Double fullGradNorm, Integer fullGradImages,
                            HessianSettings settings) {

    @Override
    public String toString() {
        StringBuilder eig = new StringBuilder("[");
        for (int i = 0; i < topEigenvalues.length; i++) {
            eig.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", topEigenvalues[i]));
            if (topResiduals != null && i < topResiduals.length) {
                eig.append(String.format(Locale.ROOT, " (residual %.2g)", topResiduals[i]));
            }
        }
        return String.format(Locale.ROOT, "top eigenvalues %s], trace %.4g ± %.2g (%d Rademacher vectors), %d HVPs%s, %.1f s", eig, trace,
                traceStandardError, traceSamples, hessianVectorProducts, fullGradNorm == null ? ""
                        : String.format(Locale.ROOT, "; full-batch gradient norm %.4g over %d images", fullGradNorm, fullGradImages), seconds);
    }
}
