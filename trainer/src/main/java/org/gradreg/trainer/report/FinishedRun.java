package org.gradreg.trainer.report;

import java.nio.file.Path;
import java.util.Map;
import org.gradreg.trainer.config.TrainConfig;

/**
 * A finished run as the report uses it, read by {@link RunReader}.
 *
 * @param dir           its directory
 * @param cfg           its configuration
 * @param settings      the configuration by setting path ({@link org.gradreg.trainer.config.Settings}): what groups and selectors compare
 * @param gradNorms     the per-epoch mean ‖g₁‖
 * @param epochErrors   the test error in % after each epoch (NaN where an epoch was not evaluated)
 * @param stepGradNorms ‖g₁‖ per step
 * @param stepLosses    the mini-batch training loss per step
 * @param stepPsiVars   Var(ψ) per step; null for rules without an adaptive rate
 * @param probes        the per-coordinate Var(ψ) probes ({@code measure.psiEvery}), in step order; empty without them
 * @param metrics       the per-run metrics by name (test_error in %, warmup_steps, final_grad_norm, …)
 * @param seconds       the training time summed over the epochs
 * @param stepValues    every schedule and estimator value per step (lr, r, α, λ, ρ, …)
 * @param experiment    "" for a run of the report's spec (or of an unknown one); else the label of the other spec it was run from
 */
record FinishedRun(Path dir, TrainConfig cfg, Map<String, Object> settings, double[] gradNorms, double[] epochErrors, double[] stepGradNorms,
                   double[] stepLosses, double[] stepPsiVars, java.util.List<org.gradreg.trainer.run.Metrics.PsiProbe> probes,
                   Map<String, Double> metrics, double seconds,
                   Map<String, double[]> stepValues, String experiment) {
}
