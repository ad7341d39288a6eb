package org.gradreg.optim;

import org.gradreg.optim.estimator.Esam;
import org.gradreg.optim.estimator.EstimatorFactory;
import org.gradreg.optim.estimator.FriendlySam;
import org.gradreg.optim.estimator.Gam;
import org.gradreg.optim.estimator.Gsam;
import org.gradreg.optim.estimator.LookSam;
import org.gradreg.optim.estimator.MomentumSam;
import org.gradreg.optim.estimator.SamOn;
import org.gradreg.optim.estimator.Wsam;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Plain;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.common.registry.Registry;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.AdamW;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.rule.RmsProp;
import org.gradreg.optim.rule.RuleFactory;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.schedule.Constant;
import org.gradreg.optim.schedule.ScheduleFactory;
import org.gradreg.optim.schedule.WarmupCosine;
import org.gradreg.optim.transform.AddDecayedWeights;
import org.gradreg.optim.transform.Agr;
import org.gradreg.optim.transform.ClipByGlobalNorm;
import org.gradreg.optim.transform.TransformFactory;

/**
 * The registries of optim: one line per update rule, gradient estimator, transform and schedule.
 * Each entry (name, description, keys with defaults and ranges, example, factory) lives next to its
 * class; the command lines' names, help texts and "known: …" messages, the docs' tables and the
 * contract tests all read these lists. A new optimizer is its class with an {@code ENTRY} plus one
 * line here.
 */
public final class Registries {

    private Registries() {
    }

    public static final Registry<RuleFactory> RULES = new Registry<>("optimizer",
            Sgd.ENTRY,
            Sgd.NESTEROV_ENTRY,
            Adam.ENTRY,
            AdamW.ENTRY,
            AdamS.ENTRY,
            RmsProp.ENTRY,
            Adan.ENTRY);

    public static final Registry<EstimatorFactory> ESTIMATORS = new Registry<>("gradient estimator",
            Plain.ENTRY,
            Sam.ENTRY,
            Sam.ASAM_ENTRY,
            SamOn.ENTRY,
            FriendlySam.ENTRY,
            Esam.ENTRY,
            Gsam.ENTRY,
            Wsam.ENTRY,
            LookSam.ENTRY,
            MomentumSam.ENTRY,
            GradientRegularization.ENTRY,
            Gnr.ENTRY,
            Gnr.SAM_GNR_ENTRY,
            Gam.ENTRY);

    public static final Registry<TransformFactory> TRANSFORMS = new Registry<>("transform",
            ClipByGlobalNorm.ENTRY,
            Agr.ENTRY,
            AddDecayedWeights.ENTRY);

    public static final Registry<ScheduleFactory> SCHEDULES = new Registry<ScheduleFactory>("LR schedule",
            WarmupCosine.ENTRY,
            Constant.ENTRY)
            .alias("warmup-cosine", "cosine")
            .alias("warmup-constant", "constant");

    /**
     * The optim part of docs/registries.md: a section per registry, every entry with its keys (the
     * app's {@code RegistryDocs} adds the models, data sets and toys; a test keeps the file equal to the code).
     */
    public static String markdown() {
        return "## Update rules (`--optimizer`)\n\n" + RULES.markdown()
                + "\n## Gradient estimators (`--estimator`)\n\n" + ESTIMATORS.markdown()
                + "\n## Gradient transforms\n\n" + TRANSFORMS.markdown()
                + "\n## Learning-rate schedules (`--schedule`)\n\n" + SCHEDULES.markdown();
    }
}
