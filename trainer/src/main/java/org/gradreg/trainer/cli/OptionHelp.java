package org.gradreg.trainer.cli;

import java.util.ListResourceBundle;
import org.gradreg.optim.Registries;
import org.gradreg.common.registry.Registry;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.model.Models;

/**
 * Option descriptions generated from the registries (optim's, the models' and the data sets') (picocli reads an option's description
 * from this bundle by its {@code descriptionKey}), so that the names and keys in help are the ones
 * the registries accept.
 */
public final class OptionHelp extends ListResourceBundle {

    @Override
    protected Object[][] getContents() {
        return new Object[][] {
                {"model", "Model, with overrides after a colon, e.g. vit-nano:layers=2 or resnet18:width=16 (default: ${DEFAULT-VALUE}). "
                        + known(Models.REGISTRY)},
                {"dataset", "Data set, with options after a colon, e.g. synthetic:train=500,test=100,classes=3 or "
                        + "fashion-mnist:train=1000 (seeded class-stratified subsets) (default: ${DEFAULT-VALUE}). " + known(Datasets.REGISTRY)},
                {"optimizer", "Update rule, optionally with keys (learning rate and weight decay come from --lr, --schedule and "
                        + "--weight-decay), e.g. adamw:beta1=0.95,eps=1e-6 (default: ${DEFAULT-VALUE}). " + known(Registries.RULES)},
                {"estimator", "Gradient estimator with its keys, e.g. sam:rho=0.05 or gr:r=0.1,alpha=0.8 (default: ${DEFAULT-VALUE}). "
                        + known(Registries.ESTIMATORS)},
                {"gridSpec", "Grid spec (JSON). Its optimizer, estimator/estimatorSpec and lrSchedule values take the names and keys "
                        + "of train's options. Optimizers: " + Registries.RULES.namesText() + ". Estimators: "
                        + Registries.ESTIMATORS.namesText() + ". Schedules: " + Registries.SCHEDULES.namesText() + "."},
                {"schedule", "Learning-rate schedule: " + Registries.SCHEDULES.namesText() + " (default: ${DEFAULT-VALUE}). "
                        + known(Registries.SCHEDULES)},
        };
    }

    /** {@code Known: name (keys): description; …} for one registry. */
    static String known(Registry<?> r) {
        StringBuilder s = new StringBuilder("Known: ");
        String sep = "";
        for (var e : r.entries()) {
            s.append(sep).append(e.name());
            if (!e.keys().isEmpty()) {
                s.append(" (").append(e.keysText()).append(')');
            }
            s.append(": ").append(e.description());
            sep = "; ";
        }
        return s.append('.').toString();
    }
}
