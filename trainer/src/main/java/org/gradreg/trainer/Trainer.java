package org.gradreg.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.gradreg.optim.NonFiniteException;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.StepInfo;
import org.gradreg.optim.estimator.GrWarmup;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.model.Models;
import org.gradreg.trainer.model.Network;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training loop: one {@link Optimizer} (estimator → clipping → update rule, LR warmup + cosine,
 * GR warmup policy) stepping a {@link SameDiffOracle} over seeded batches, with
 * <ul>
 *   <li>metrics as JSON Lines in {@value #METRICS}: per step loss, ‖g₁‖, lr, r_t, α_t, λ_t and
 *       evaluations; per epoch train loss/error (primary passes, dropout on), test loss/error
 *       (evaluation mode), mean ‖g₁‖;</li>
 *   <li>checkpoints ({@value #CHECKPOINT}) every {@code checkpointEvery} steps and at each epoch end,
 *       written atomically; {@code resume} continues exactly: batches, augmentation and dropout
 *       masks are pure functions of (seed, step), and the checkpoint holds parameters, optimizer
 *       state, step, the epoch's running sums and the metrics file's length (lines written after
 *       the checkpoint are dropped on resume);</li>
 *   <li>a NaN/Inf loss or gradient stops the run with a clear message and leaves the last good
 *       checkpoint in place;</li>
 *   <li>{@value #RESULT} written when the run finishes (grids skip runs that have it).</li>
 * </ul>
 */
public final class Trainer {

    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String CHECKPOINT = "checkpoint.zip";
    public static final String RESULT = "result.json";

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** How a run ended. */
    public enum Status { FINISHED, INTERRUPTED, DIVERGED }

    /** The outcome of {@link #run}. */
    public record Result(Status status, long steps, double trainLoss, double trainError, double testLoss, double testError,
                         String message) {
    }

    private final TrainConfig cfg;
    private final Path out;
    private boolean progress = true;
    private long stopAfter = -1;
    private PrintStream log = System.err;

    public Trainer(TrainConfig cfg, Path out) {
        this.cfg = cfg;
        this.out = out;
    }

    /** Shows (default) or hides the progress bar on stderr. */
    public Trainer progress(boolean on) {
        this.progress = on;
        return this;
    }

    /** Stops (as if interrupted) once {@code steps} steps in total are done; for tests and time-boxed jobs. */
    public Trainer stopAfter(long steps) {
        this.stopAfter = steps;
        return this;
    }

    /**
     * Caps ND4J's CPU threads (0: leave ND4J's default, one per core). One thread is fastest for
     * tiny models and on a busy machine, where OpenMP barriers wait for descheduled threads.
     */
    public static void threads(int n) {
        if (n > 0) {
            Nd4j.getEnvironment().setMaxThreads(n);
            Nd4j.getEnvironment().setMaxMasterThreads(n);
        }
    }

    public Trainer log(PrintStream s) {
        this.log = s;
        return this;
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** Whether {@code dir} holds a finished run. */
    public static boolean finished(Path dir) {
        return Files.isRegularFile(dir.resolve(RESULT));
    }

    /** Runs (or, with {@code resume}, continues) the training; see the class comment. */
    public Result run(boolean resume) throws IOException {
        Files.createDirectories(out);
        Path cfgFile = out.resolve(CONFIG);
        if (resume && Files.exists(cfgFile)) {
            TrainConfig saved = JSON.readValue(cfgFile.toFile(), TrainConfig.class);
            if (!saved.equals(cfg)) {
                throw new IllegalArgumentException("cannot resume " + out + ": its " + CONFIG + " differs from this run's settings\n saved: "
                        + saved + "\n  now:  " + cfg);
            }
            if (finished(out)) {
                Result r = JSON.readValue(out.resolve(RESULT).toFile(), Result.class);
                log.println("gradreg train: " + out + " already finished; nothing to do");
                return r;
            }
        }
        if (!resume) {
            Files.deleteIfExists(out.resolve(CHECKPOINT));
            Files.deleteIfExists(out.resolve(METRICS));
            Files.deleteIfExists(out.resolve(RESULT));
        }
        writeAtomically(cfgFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));

        Nd4j.getRandom().setSeed(cfg.seed());
        DataSplit data = Datasets.load(cfg.dataset(), cfg.dataDir() == null ? null : Path.of(cfg.dataDir()), cfg.dataSeed());
        var trainSet = cfg.trainLimit() > 0 ? data.train().head(cfg.trainLimit()) : data.train();
        var testSet = cfg.testLimit() > 0 ? data.test().head(cfg.testLimit()) : data.test();
        DataType type = switch (cfg.dtype().toLowerCase(Locale.ROOT)) {
            case "float", "float32" -> DataType.FLOAT;
            case "double", "float64" -> DataType.DOUBLE;
            default -> throw new IllegalArgumentException("dtype must be float or double, got " + cfg.dtype());
        };
        Network net = Models.build(cfg.model(), trainSet.channels(), trainSet.height(), trainSet.classes(), type, cfg.seed());
        SameDiffOracle oracle = new SameDiffOracle(net);
        Batches train = Batches.training(trainSet, cfg.batch(), cfg.augment(), cfg.seed());
        Batches test = Batches.evaluation(testSet, cfg.evalBatch() > 0 ? cfg.evalBatch() : cfg.batch());
        int spe = train.count();
        long total = (long) cfg.epochs() * spe;
        Optimizer opt = optimizer(cfg, spe);

        long step = 0;
        EpochSums sums = new EpochSums();
        Path ckpt = out.resolve(CHECKPOINT);
        Path metricsFile = out.resolve(METRICS);
        if (resume && Files.exists(ckpt)) {
            Checkpoint.Contents c = Checkpoint.read(ckpt);
            for (Map.Entry<String, INDArray> e : oracle.params()) {
                INDArray saved = c.arrays().get("param/" + e.getKey());
                if (saved == null) {
                    throw new IOException("checkpoint " + ckpt + " has no parameter '" + e.getKey() + "' (different model?)");
                }
                e.getValue().assign(saved);
            }
            for (Map.Entry<String, INDArray> e : oracle.runningStatistics().entrySet()) {
                INDArray saved = c.arrays().get("bn/" + e.getKey());
                if (saved == null) {
                    throw new IOException("checkpoint " + ckpt + " has no batch-norm statistic '" + e.getKey() + "' (different model?)");
                }
                e.getValue().assign(saved);
            }
            Map<String, INDArray> optState = new LinkedHashMap<>();
            c.arrays().forEach((k, v) -> {
                if (k.startsWith("opt/")) {
                    optState.put(k.substring(4), v);
                }
            });
            opt.loadState(optState);
            Meta meta = JSON.readValue(c.meta(), Meta.class);
            step = meta.step();
            sums = meta.sums();
            try (FileChannel ch = FileChannel.open(metricsFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.truncate(meta.metricsBytes());
            }
            log.println("gradreg train: resuming " + out + " at step " + step + " of " + total);
        } else if (resume) {
            Files.deleteIfExists(metricsFile);
        }
        if (step == 0) {
            log.println("gradreg train: " + net + ", " + trainSet + ", " + opt + ", " + spe + " steps/epoch, " + total + " steps");
        }

        ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName(cfg.model() + " " + cfg.method()).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err, 110))
                .setUpdateIntervalMillis(1000).startsFrom(step, java.time.Duration.ZERO).build() : null;
        double[] lastTest = {Double.NaN, Double.NaN};
        double[] lastTrain = {Double.NaN, Double.NaN};
        try (FileChannel metrics = FileChannel.open(metricsFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            long epochStart = System.nanoTime();
            while (step < total) {
                if (stopAfter >= 0 && step >= stopAfter) {
                    return new Result(Status.INTERRUPTED, step, lastTrain[0], lastTrain[1], lastTest[0], lastTest[1],
                            "stopped after " + step + " steps");
                }
                int epoch = (int) (step / spe);
                int index = (int) (step % spe);
                Batch b = train.get(epoch, index);
                oracle.setBatch(b, cfg.labelSmoothing(), Batches.mix(cfg.seed(), 0xD0D0L, step));
                StepInfo info;
                try {
                    info = opt.step(oracle);
                } catch (NonFiniteException e) {
                    return diverged(metrics, step, epoch, e.getMessage(), ckpt);
                }
                int[] correct = oracle.lastPrimaryCorrect();
                sums.add(info.loss(), correct[0], correct[1], info.gradNorm());
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("type", "step");
                line.put("step", info.step());
                line.put("epoch", epoch);
                line.put("loss", info.loss());
                line.put("grad_norm", info.gradNorm());
                line.put("lr", info.lr());
                line.put("r", info.values().getOrDefault("r", Double.NaN));
                line.put("alpha", info.values().getOrDefault("alpha", Double.NaN));
                line.put("lambda", info.values().getOrDefault("lambda", Double.NaN));
                line.put("evals", info.evaluations());
                writeLine(metrics, line);
                step++;
                if (bar != null) {
                    bar.stepTo(step);
                    bar.setExtraMessage(String.format(Locale.ROOT, " ep %d loss %.3f", epoch + 1, info.loss()));
                }
                boolean epochEnd = step % spe == 0;
                if (epochEnd) {
                    double[] te = oracle.lossAndError(test);
                    lastTest = te;
                    lastTrain = new double[] {sums.loss / sums.batches, 1 - (double) sums.correct / sums.seen};
                    Map<String, Object> ep = new LinkedHashMap<>();
                    ep.put("type", "epoch");
                    ep.put("epoch", epoch + 1);
                    ep.put("step", step);
                    ep.put("train_loss", lastTrain[0]);
                    ep.put("train_error", lastTrain[1]);
                    ep.put("test_loss", te[0]);
                    ep.put("test_error", te[1]);
                    ep.put("mean_grad_norm", sums.gradNorm / sums.batches);
                    ep.put("lr", info.lr());
                    ep.put("time_s", (System.nanoTime() - epochStart) / 1e9);
                    writeLine(metrics, ep);
                    epochStart = System.nanoTime();
                    sums = new EpochSums();
                    if (bar == null) {
                        log.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f error %.4f, test loss %.4f error %.4f%n", epoch + 1,
                                cfg.epochs(), lastTrain[0], lastTrain[1], te[0], te[1]);
                    }
                }
                if (epochEnd || (cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0)) {
                    String bad = oracle.params().firstNonFinite();
                    if (bad != null) {
                        return diverged(metrics, step, epoch, "parameter '" + bad + "' holds NaN or Inf after step " + (step - 1), ckpt);
                    }
                    metrics.force(false);
                    checkpoint(ckpt, oracle, opt, step, sums, metrics.size());
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        Result r = new Result(Status.FINISHED, step, lastTrain[0], lastTrain[1], lastTest[0], lastTest[1], "finished");
        writeAtomically(out.resolve(RESULT), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        return r;
    }

    private Result diverged(FileChannel metrics, long step, int epoch, String why, Path ckpt) throws IOException {
        String where = Files.exists(ckpt) ? "the last good checkpoint, " + ckpt + ", is kept" : "no checkpoint was written yet";
        String msg = "training stopped at step " + step + " (epoch " + (epoch + 1) + "): non-finite values: " + why + "; " + where
                + ". Lower the learning rate or enable clipping (--clip).";
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "diverged");
        line.put("step", step);
        line.put("message", msg);
        writeLine(metrics, line);
        log.println("gradreg train: " + msg);
        return new Result(Status.DIVERGED, step, Double.NaN, Double.NaN, Double.NaN, Double.NaN, msg);
    }

    /** The optimizer a config describes, for {@code stepsPerEpoch} steps per epoch. */
    public static Optimizer optimizer(TrainConfig cfg, int stepsPerEpoch) {
        long total = (long) cfg.epochs() * stepsPerEpoch;
        long warm = Math.round(cfg.warmupEpochs() * stepsPerEpoch);
        Schedule lr = switch (cfg.lrSchedule().toLowerCase(Locale.ROOT)) {
            case "cosine", "warmup-cosine" -> Schedule.warmupCosine(cfg.lr(), warm, total);
            case "constant", "warmup-constant" -> warm > 0 ? Schedule.linearWarmup(cfg.lr(), warm) : Schedule.constant(cfg.lr());
            default -> throw new IllegalArgumentException("unknown LR schedule '" + cfg.lrSchedule() + "'; use cosine or constant");
        };
        double grEpochs = cfg.grWarmupEpochs() < 0 ? cfg.warmupEpochs() : cfg.grWarmupEpochs();
        GrWarmup w = GrWarmup.parse(cfg.grWarmup(), Math.round(grEpochs * stepsPerEpoch));
        Optimizer opt = Optim.optimizer(Optim.rule(cfg.optimizer(), lr, cfg.weightDecay()))
                .estimator(Optim.estimator(cfg.estimator(), cfg.estimatorSpec(), w.kind() == GrWarmup.Kind.NONE ? null : w));
        if (cfg.clip() > 0) {
            opt = opt.transform(Optim.clip(cfg.clip()));
        }
        return opt;
    }

    /** Running sums of the current epoch (kept in checkpoints so a resumed epoch reports the same means). */
    public static final class EpochSums {
        public double loss;
        public long correct;
        public long seen;
        public long batches;
        public double gradNorm;

        void add(double l, int c, int n, double g) {
            loss += l;
            correct += c;
            seen += n;
            batches++;
            gradNorm += g;
        }
    }

    /** Checkpoint metadata. */
    public record Meta(long step, EpochSums sums, long metricsBytes, String model, String method) {
    }

    private void checkpoint(Path file, SameDiffOracle oracle, Optimizer opt, long step, EpochSums sums, long metricsBytes)
            throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : oracle.params()) {
            arrays.put("param/" + e.getKey(), e.getValue());
        }
        oracle.runningStatistics().forEach((k, v) -> arrays.put("bn/" + k, v));
        opt.state().forEach((k, v) -> arrays.put("opt/" + k, v));
        String meta = JSON.writeValueAsString(new Meta(step, sums, metricsBytes, cfg.model(), cfg.method()));
        Checkpoint.write(file, arrays, meta);
    }

    private static void writeLine(FileChannel ch, Map<String, Object> line) throws IOException {
        byte[] b = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Writes {@code text} to a temporary file beside {@code file} and renames it over {@code file}. */
    public static void writeAtomically(Path file, String text) throws IOException {
        org.gradreg.optim.io.AtomicFiles.writeString(file, text);
    }
}
