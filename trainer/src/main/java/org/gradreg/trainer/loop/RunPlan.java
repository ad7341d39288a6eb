package org.gradreg.trainer.loop;

import java.nio.file.Path;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.data.DatasetShape;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.data.MissingDataFiles;
import org.gradreg.trainer.model.Models;

/**
 * A run checked completely before anything is written, and what the check built: the data set's
 * shape (CIFAR files present and of the right size), the parsed model (its spec's keys, a ViT
 * patch that divides the image), the steps per epoch (a batch no larger than the training set)
 * and the parsed optimizer (update rule, LR schedule, estimator with its keys and the loop's step
 * context, clipping). The configuration's ranges are its records' own. {@code train}, {@code grid}
 * (every run, at {@code --list} and before the first run) and {@code reproduce} all plan before
 * they run; a failure is a {@link BadInput} naming the setting. The {@link Trainer} takes the plan:
 * it builds the plan's model and checks the data it loads against the plan's shape.
 *
 * @param config        the configuration
 * @param data          the data set's shape, as the set reports it ({@link Datasets#shape})
 * @param model         the parsed model spec
 * @param trainSize     training images used (after the limit)
 * @param stepsPerEpoch optimizer steps per epoch (the last partial batch is dropped)
 * @param optimizers    the parsed optimizer, which builds the run's
 */
public record RunPlan(TrainConfig config, DatasetShape data, Models.Model model, int trainSize, int stepsPerEpoch,
                      OptimizerFactory optimizers) {

    /** Plans {@code cfg}; see the class comment. */
    public static RunPlan check(TrainConfig cfg) {
        return check(cfg, null);
    }

    /**
     * Plans {@code cfg}; with {@code missingData} non-null, a data set known by name whose files are
     * not there is planned with the shape it will have and the problem passed to {@code missingData}
     * (for {@code grid --list} on a machine without the data), instead of failing.
     */
    public static RunPlan check(TrainConfig cfg, java.util.function.Consumer<String> missingData) {
        try {
            DatasetShape d;
            try {
                d = Datasets.shape(cfg.data().spec(), cfg.data().dir() == null ? null : Path.of(cfg.data().dir()), cfg.data().seed());
            } catch (MissingDataFiles e) {
                if (missingData == null) {
                    throw e;
                }
                missingData.accept(e.getMessage());
                d = e.shape();
            }
            int train = cfg.data().trainLimit() > 0 ? Math.min(cfg.data().trainLimit(), d.train()) : d.train();
            int batch = cfg.run().batch();
            if (batch > train) {
                throw new BadInput("batch " + batch + " is larger than the " + train + " training images of " + cfg.data().spec());
            }
            Models.Model model = Models.parse(cfg.model().spec(), d.channels(), d.image());
            int spe = train / batch;
            OptimizerFactory opt = OptimizerFactory.of(cfg.optimizer(), cfg.estimator(), spe, cfg.run().epochs());
            return new RunPlan(cfg, d, model, train, spe, opt);
        } catch (BadInput e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadInput(BadInput.messageOf(e), e);
        }
    }

    /** Optimizer steps of the whole run. */
    public long totalSteps() {
        return (long) config.run().epochs() * stepsPerEpoch;
    }
}
