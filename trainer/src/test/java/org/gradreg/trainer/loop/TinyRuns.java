package org.gradreg.trainer.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.TrainConfig;

/** Tiny runs and file snapshots shared by the loop, report and command-line tests. */
public final class TinyRuns {

    private TinyRuns() {
    }

    /** 64 training and 32 test images of 3×4×4 in 3 classes. */
    public static final String DATA = "synthetic:train=64,test=32,classes=3,size=4";

    /**
     * Softmax regression on {@link #DATA} with {@code estimator} (a spec: {@code plain}, {@code gr:r=0.05,alpha=0.8}):
     * Adam 1e-2, batch 16, 3 epochs (1 of LR warmup), no clipping or augmentation.
     */
    public static TrainConfig linear(String estimator, long seed) {
        return TrainConfig.defaults().with("model.spec", "linear", "data.spec", DATA, "data.augment", false, "optimizer.rule", "adam",
                "optimizer.lr", 1e-2, "optimizer.weightDecay", 0, "optimizer.clip", 0, "run.batch", 16, "run.epochs", 3,
                "optimizer.schedule.warmupEpochs", 1, "run.seed", seed, "run.evalBatch", 32).withEstimator(EstimatorConfig.parse(estimator));
    }

    /** Every file under {@code d} with its size, modification time and content hash. */
    public static Map<String, String> snapshot(Path d) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(d)) {
            return m;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(d.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p) + " "
                        + java.util.Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return m;
    }
}
