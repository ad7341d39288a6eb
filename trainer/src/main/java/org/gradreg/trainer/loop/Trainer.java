package org.gradreg.trainer.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.NonFiniteException;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.gradreg.optim.StepInfo;
import org.gradreg.optim.rule.AdaptiveRate;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Backends;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.config.DataConfig;
import org.gradreg.trainer.config.RunOptions;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.DataSplit;
import org.gradreg.trainer.data.Dataset;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.model.Models;
import org.gradreg.trainer.nn.Engine;
import org.gradreg.trainer.run.Checkpoint;
import org.gradreg.trainer.run.EpochSums;
import org.gradreg.trainer.run.Metrics;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunEnvironment;
import org.gradreg.trainer.run.RunResult.Status;
import org.gradreg.trainer.run.RunResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training loop: one {@link Optimizer} (estimator → clipping → update rule, LR warmup + cosine,
 * GR warmup policy), built once from the {@link RunPlan}, stepping a {@link ModelOracle} over seeded batches, with
 * <ul>
 *   <li>metrics as JSON Lines in {@value RunDir#METRICS} ({@link Metrics}): per step loss, ‖g₁‖, lr, r_t, α_t, λ_t, every
 *       other estimator and schedule value, evaluations and, for Adam-type and RMSProp rules, the
 *       mean and variance over all parameter elements of the adaptive rate ψ = 1/(√v̂ + ε); per epoch train loss/error (primary passes, dropout on), test loss/error
 *       (evaluation mode), mean ‖g₁‖;</li>
 *   <li>checkpoints ({@value RunDir#CHECKPOINT}) every {@code checkpointEvery} steps and at each epoch end,
 *       written atomically; {@code resume} continues exactly: batches, augmentation and dropout
 *       masks are pure functions of (seed, step), and the checkpoint holds parameters, optimizer
 *       state, step, the epoch's running sums and the metrics file's length (lines written after
 *       the checkpoint are dropped on resume);</li>
 *   <li>a NaN/Inf loss or gradient, or a training loss above {@value #LOSS_LIMIT}, stops the run
 *       with a clear message and leaves the last good checkpoint in place;</li>
 *   <li>{@value RunDir#RESULT} written when the run finishes (grids skip runs that have it).</li>
 * </ul>
 * The run directory ({@link RunDir}) owns the files, the lock, the checks before a start or a
 * resume and the restore; the run is planned ({@link RunPlan}: checked completely) before anything is written.
 */
public final class Trainer {

    /**
     * A training loss above this stops the run as diverged even while it is finite. Cross-entropy
     * starts at ln(classes) (2.3 for 10 classes, 4.6 for 100), so 1e6 is far beyond any loss of a
     * run that is still learning, and a loss that explodes passes it long before it overflows.
     */
    public static final double LOSS_LIMIT = 1e6;

    private final TrainConfig cfg;
    private final RunPlan plan;
    private final Path out;
    private boolean progress = true;
    private boolean overwrite;
    private long stopAfter = -1;
    private PrintStream log = System.err;

    /** A trainer of {@code cfg}, planned ({@link RunPlan#check}) when it runs. */
    public Trainer(TrainConfig cfg, Path out) {
        this.cfg = cfg;
        this.plan = null;
        this.out = out;
    }

    /** A trainer of a run already planned. */
    public Trainer(RunPlan plan, Path out) {
        this.cfg = plan.config();
        this.plan = plan;
        this.out = out;
    }

    /** Shows (default) or hides the progress bar on stderr. */
    public Trainer progress(boolean on) {
        this.progress = on;
        return this;
    }

    /** Allows deleting a run already in the directory (finished or not) and starting afresh. */
    public Trainer overwrite(boolean on) {
        this.overwrite = on;
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
     * OpenBLAS's own worker pool is capped too: without it {@code --threads 1} left a second
     * OpenBLAS worker spinning (the process used ~1.9 cores; issue 20).
     */
    public static void threads(int n) {
        if (n > 0) {
            Nd4j.getEnvironment().setMaxThreads(n);
            Nd4j.getEnvironment().setMaxMasterThreads(n);
            org.gradreg.trainer.compute.CpuBackend.blasThreads(n); // ND4J's backend is always the CPU one (the GPU is gradreg-cuda's)
        }
    }

    /** The numerical facts of this process that a run's {@link RunEnvironment} records. */
    static java.util.Map<String, String> compute() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("nd4jBackend", Nd4j.getBackend().getClass().getSimpleName());
        m.put("blasVendor", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        m.put("blasMaxThreads", String.valueOf(Nd4j.factory().blas().getMaxThreads()));
        m.put("nd4jMaxThreads", String.valueOf(Nd4j.getEnvironment().maxThreads()));
        m.put("nd4jMaxMasterThreads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        m.put("nativeExtension", System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
        String plane = System.getProperty("gradreg.winograd.channelsLastPlane"); // a measurement knob that changes Winograd runs' bits: recorded when set
        if (plane != null) {
            m.put("gradreg.winograd.channelsLastPlane", plane);
        }
        return m;
    }

    public Trainer log(PrintStream s) {
        this.log = s;
        return this;
    }

    /**
     * Runs (or, with {@code resume}, continues) the training; see the class comment. Bad settings, a
     * directory holding another run (without {@link #overwrite}) and a checkpoint that does not fit
     * are {@link BadInput}s thrown before anything is written; a run held by another process is a
     * {@link RunDir.Held}.
     */
    public RunResult run(boolean resume) throws IOException {
        RunPlan planned = plan != null ? plan : RunPlan.check(cfg);
        Setup setup = setup(planned);
        // a batch that would not fit in memory is refused now, with the --accumulate that fits, not OOM-killed later
        // issue 22 item 8: against the limits the process actually has (cgroup, host, -Xmx and JavaCPP's off-heap limits)
        MemoryBudget.checkRun(setup.oracle().engine(), cfg.run().batch(), cfg.run().accumulate(), cfg.run().evalBatch());
        RunDir dir = new RunDir(out);
        dir.checkStart(cfg, resume, overwrite);
        boolean existed = Files.exists(out);
        RunDir.Lock lock = dir.lock(log);
        try {
            dir.checkStart(cfg, resume, overwrite); // again, now that no other process can change it
            if (resume && !overwrite && dir.finished()) {
                log.println("gradreg train: " + out + " already finished; nothing to do");
                return dir.readResult();
            }
            dir.removeLeftovers().forEach(p -> log.println("gradreg train: removed " + p + ", left by an interrupted write"));
            if (overwrite || !resume) {
                dir.clear();
            }
            if (!cfg.equals(dir.readConfig())) {
                dir.writeConfig(cfg);
            }
            return train(planned, dir, setup);
        } catch (OutOfMemoryError e) { // outside the loop (the final evaluation); in the loop train() says at which step
            throw outOfMemory(dir, -1, e);
        } catch (BadInput e) {
            if (!existed) {
                lock.close();
                deleteIfEmpty(out);
            }
            throw e;
        } finally {
            lock.close();
        }
    }

    /** What training needs: the model as an oracle and the training and test batches. */
    private record Setup(ModelOracle oracle, Batches train, Batches test, Dataset trainSet) {
    }

    private static Device device = Device.CPU;
    private static ModelOracle.MaskSource maskSource;

    /**
     * Where models run ({@code --device}) and where dropout masks are drawn ({@code --dropout-masks};
     * null: the device's default, host masks on the CPU and device-drawn ones on a GPU), for every
     * run this process builds from now on.
     */
    public static void device(Device d, ModelOracle.MaskSource masks) {
        device = d == null ? Device.CPU : d;
        maskSource = masks;
    }

    /** The device runs are built on. */
    public static Device device() {
        return device;
    }

    /** The model of {@code cfg} for {@code data}'s images as an oracle; see {@link #buildOracle(Models.Model, TrainConfig, Dataset, DataType)}. */
    static ModelOracle buildOracle(TrainConfig cfg, Dataset data, DataType type) {
        return buildOracle(Models.parse(cfg.model().spec(), data.channels(), data.height()), cfg, data, type);
    }

    /**
     * The oracle of {@code model} (parsed for {@code data}'s images) with {@code cfg}'s seed and
     * accumulation: the one place a model is built (in {@code type}, on the device set by
     * {@link #device(Device, ModelOracle.MaskSource)}).
     */
    static ModelOracle buildOracle(Models.Model model, TrainConfig cfg, Dataset data, DataType type) {
        Backend be = Backends.open(device, type);
        be.convolutions(cfg.model().conv());
        Engine e = model.engine(data.classes(), be, cfg.run().seed());
        return new ModelOracle(e, cfg.run().accumulate(), maskSource != null ? maskSource : ModelOracle.MaskSource.defaultFor(e));
    }

    /** Loads the plan's data, checks it against the plan's shape and builds the plan's model on it. */
    private Setup setup(RunPlan p) {
        if (device == Device.CPU && cfg.model().dtype().startsWith("float") && !cfg.model().dtype().equals("float64")) {
            org.gradreg.trainer.compute.CpuBackend.warmUpInBackground(warmUpConvolutions(p.model(), cfg.model().conv()), // JIT the kernels while the data loads
                    Models.hasConvolutions(p.model().spec()));
        }
        RunOptions run = cfg.run();
        DataConfig d = cfg.data();
        Nd4j.getRandom().setSeed(run.seed());
        DataSplit data = Datasets.load(d.spec(), d.dir() == null ? null : Path.of(d.dir()), d.seed());
        Dataset trainSet = d.trainLimit() > 0 ? data.train().head(d.trainLimit()) : data.train();
        Dataset testSet = d.testLimit() > 0 ? data.test().head(d.testLimit()) : data.test();
        checkPlanned(p, trainSet);
        ModelOracle oracle = buildOracle(p.model(), cfg, trainSet, dataType(cfg.model().dtype()));
        return new Setup(oracle, Batches.training(trainSet, run.batch(), d.augment(), run.seed()),
                Batches.evaluation(testSet, run.evalBatch() > 0 ? run.evalBatch() : run.batch()), trainSet);
    }

    /**
     * The convolutions whose kernels the background warm-up compiles: the run's, for a model with 3×3
     * convolutions; im2col (no Winograd warm-up) for the ViTs and the linear model, which have none, so
     * that a FLOAT run of them (whose recorded {@code model.conv} is Winograd by default since
     * 2026-12-08) does not spend a core on kernels it never calls. A model added later without
     * convolutions only costs that warm-up's CPU time; no result depends on it.
     */
    static String warmUpConvolutions(Models.Model model, String conv) {
        return Models.hasConvolutions(model.spec()) ? conv : "im2col";
    }

    /** The loaded training set is what the run was planned for: size, classes and image shape (the model was parsed for them). */
    static void checkPlanned(RunPlan p, Dataset train) {
        String loaded = train.size() + " training images of " + train.channels() + "x" + train.height() + "x" + train.width() + ", "
                + train.classes() + " classes";
        String planned = p.trainSize() + " training images of " + p.model().channels() + "x" + p.model().image() + "x" + p.model().image()
                + ", " + p.data().classes() + " classes";
        if (!loaded.equals(planned)) {
            throw new IllegalStateException("the data loaded (" + loaded + ") is not the data the run was planned for (" + planned + ")");
        }
    }

    static DataType dataType(String dtype) {
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float", "float32" -> DataType.FLOAT;
            case "double", "float64" -> DataType.DOUBLE;
            default -> throw new IllegalStateException("dtype " + dtype + " passed ModelConfig's check");
        };
    }

    /** Where training stands: step, the epoch's running sums, the last epoch's train and test figures. */
    private static final class Position {
        long step;
        EpochSums sums = new EpochSums();
        double[] lastTrain = {Double.NaN, Double.NaN};
        double[] lastTest = {Double.NaN, Double.NaN};
    }

    private RunResult train(RunPlan plan, RunDir dir, Setup e) throws IOException {
        int spe = plan.stepsPerEpoch();
        if (e.train().count() != spe) {
            throw new IllegalStateException("the training batches give " + e.train().count() + " steps per epoch, the plan " + spe);
        }
        long total = plan.totalSteps();
        Optimizer opt = plan.optimizers().create();
        int psiEvery = cfg.measure().psiEvery();
        if (psiEvery > 0 && !(opt.rule() instanceof AdaptiveRate)) {
            throw new BadInput("measure.psiEvery (--psi-every) measures Var(psi) of an Adam-type or RMSProp rule; " + opt.rule() + " has no adaptive rate");
        }
        if (psiEvery > 0 && !opt.estimator().state().isEmpty()) {
            throw new BadInput("measure.psiEvery (--psi-every) cannot probe " + opt.estimator() + ": it carries state from step to step");
        }
        Batches probeStream = psiEvery > 0 ? Batches.training(e.trainSet(), cfg.run().batch(), cfg.data().augment(),
                Batches.mix(cfg.run().seed(), 0x951L, 1)) : null;
        Position pos = resume(dir, e, opt, plan, total);
        // after the resume checks: a refused resume leaves every file as it was
        dir.recordEnvironment(RunEnvironment.current(pos.step > 0, device.toString(), compute()), log);
        if (pos.step == 0) {
            var be = e.oracle().engine().backend();
            log.println("gradreg train: " + cfg.model().spec() + " (" + e.oracle().params().numel() + " parameters), " + e.trainSet() + ", "
                    + opt + ", " + spe + " steps/epoch, " + total + " steps" + (be.device().isCpu() ? ""
                    : "; model on " + be.describe() + ", dropout masks drawn on the " + e.oracle().maskSource()));
        }
        ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName(cfg.model().spec() + " " + cfg.method()).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err, 110))
                .setUpdateIntervalMillis(1000).startsFrom(pos.step, java.time.Duration.ZERO).build() : null;
        try (Metrics.Writer metrics = new Metrics.Writer(dir.metrics())) {
            long epochStart = System.nanoTime();
            final long resumedAt = pos.step;
            while (pos.step < total) {
                if (Preemption.requested() != null && pos.step == resumedAt) { // asked before a step was done: the checkpoint on disk is current
                    return new RunResult(Status.INTERRUPTED, pos.step, pos.lastTrain[0], pos.lastTrain[1], pos.lastTest[0], pos.lastTest[1],
                            "stopped by " + Preemption.requested() + " after " + pos.step + " steps");
                }
                if (stopAfter >= 0 && pos.step >= stopAfter) {
                    return new RunResult(Status.INTERRUPTED, pos.step, pos.lastTrain[0], pos.lastTrain[1], pos.lastTest[0], pos.lastTest[1],
                            "stopped after " + pos.step + " steps");
                }
                int epoch = (int) (pos.step / spe);
                if (psiEvery > 0 && pos.step > 0 && pos.step % psiEvery == 0) { // measure.psiEvery: changes nothing of the training
                    metrics.append(PsiProbe.measure(opt, e.oracle(), probeStream, pos.step, cfg.measure().psiBatches(), cfg.run().labelSmoothing(),
                            cfg.run().seed()));
                }
                e.oracle().setBatch(e.train().get(epoch, (int) (pos.step % spe)), cfg.run().labelSmoothing(),
                        Batches.mix(cfg.run().seed(), 0xD0D0L, pos.step));
                StepInfo info;
                try {
                    info = opt.step(e.oracle());
                } catch (NonFiniteException ex) {
                    return diverged(metrics, dir, pos.step, epoch, "non-finite values: " + ex.getMessage());
                }
                if (!(info.loss() <= LOSS_LIMIT)) {
                    return diverged(metrics, dir, pos.step, epoch, String.format(Locale.ROOT, "the training loss %.4g exceeds %.0g",
                            info.loss(), LOSS_LIMIT));
                }
                int[] correct = e.oracle().lastPrimaryCorrect();
                pos.sums.add(info.loss(), correct[0], correct[1], info.gradNorm());
                metrics.append(stepLine(info, epoch, opt));
                pos.step++;
                if (afterStep != null) {
                    afterStep.accept(pos.step);
                }
                if (bar != null) {
                    bar.stepTo(pos.step);
                    bar.setExtraMessage(String.format(Locale.ROOT, " ep %d loss %.3f", epoch + 1, info.loss()));
                }
                boolean epochEnd = pos.step % spe == 0;
                if (epochEnd) {
                    endEpoch(metrics, e, pos, epoch, info.lr(), (System.nanoTime() - epochStart) / 1e9, bar == null);
                    epochStart = System.nanoTime();
                }
                String signal = Preemption.requested();
                if (epochEnd || (cfg.run().checkpointEvery() > 0 && pos.step % cfg.run().checkpointEvery() == 0) || signal != null) {
                    String bad = e.oracle().params().firstNonFinite();
                    if (bad != null) {
                        return diverged(metrics, dir, pos.step, epoch, "non-finite values: parameter '" + bad + "' holds NaN or Inf after step "
                                + (pos.step - 1));
                    }
                    long bytes = metrics.sync();
                    dir.writeCheckpoint(e.oracle().params(), e.oracle().runningStatistics(), opt.state(),
                            new Checkpoint.Meta(pos.step, pos.sums, bytes, cfg.model().spec(), cfg.method(),
                                    e.oracle().engine().backend().device().toString(), masks(e.oracle())));
                    if (signal != null) { // issue 22 item 6: preempted; the lock is released by run's finally
                        log.println("gradreg train: " + signal + ": checkpoint written at step " + pos.step + " of " + total + "; continue with --resume");
                        return new RunResult(Status.INTERRUPTED, pos.step, pos.lastTrain[0], pos.lastTrain[1], pos.lastTest[0], pos.lastTest[1],
                                "stopped by " + signal + " after " + pos.step + " steps");
                    }
                }
            }
        } catch (OutOfMemoryError | RuntimeException ex) {
            if (OutOfMemory.find(ex) == null) {
                throw ex;
            }
            throw outOfMemory(dir, pos.step, OutOfMemory.find(ex));
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        if (Double.isNaN(pos.lastTest[0])) {
            pos.lastTest = e.oracle().lossAndError(e.test()); // resumed after the last checkpoint: evaluate again
        }
        RunResult r = new RunResult(Status.FINISHED, pos.step, pos.lastTrain[0], pos.lastTrain[1], pos.lastTest[0], pos.lastTest[1], "finished");
        dir.writeResult(r);
        return r;
    }

    private static Metrics.Step stepLine(StepInfo info, int epoch, Optimizer opt) {
        Double psiMean = null;
        Double psiVar = null;
        if (opt.rule() instanceof AdaptiveRate rate) { // Adam's and RMSProp's ψ = 1/(√v̂ + ε) over all elements (harmful-GR §4)
            double[] m = rate.psiMoments();
            psiMean = m[1];
            psiVar = m[2];
        }
        return new Metrics.Step(info.step(), epoch, info.loss(), info.gradNorm(), info.lr(), info.values(), info.evaluations(), psiMean,
                psiVar);
    }

    private void endEpoch(Metrics.Writer metrics, Setup e, Position pos, int epoch, double lr, double seconds, boolean print)
            throws IOException {
        EpochSums sums = pos.sums;
        pos.lastTest = e.oracle().lossAndError(e.test());
        pos.lastTrain = new double[] {sums.loss / sums.batches, 1 - (double) sums.correct / sums.seen};
        metrics.append(new Metrics.Epoch(epoch + 1, pos.step, pos.lastTrain[0], pos.lastTrain[1], pos.lastTest[0], pos.lastTest[1],
                sums.gradNorm / sums.batches, lr, seconds));
        pos.sums = new EpochSums();
        if (print) {
            // errors in percent, as the reports show them (issue 22 item 16)
            log.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f error %.2f%%, test loss %.4f error %.2f%%%n", epoch + 1,
                    cfg.run().epochs(), pos.lastTrain[0], 100 * pos.lastTrain[1], pos.lastTest[0], 100 * pos.lastTest[1]);
        }
    }

    /**
     * The position to continue from: the start, or the latest readable checkpoint after checking each
     * entry against the model and the optimizer and the metrics file against the checkpoint (which
     * records its length; lines after it are dropped).
     */
    private Position resume(RunDir dir, Setup e, Optimizer opt, RunPlan plan, long total) throws IOException {
        Position pos = new Position();
        Checkpoint c = dir.readCheckpoint(log);
        if (c == null) {
            long first = cfg.run().checkpointEvery() > 0 ? Math.min(cfg.run().checkpointEvery(), plan.stepsPerEpoch()) : plan.stepsPerEpoch();
            long reached = Metrics.lastStep(dir.metrics());
            if (reached > first) {
                // issue 22 item 3: a step after the first checkpoint is recorded, so checkpoints were written and are gone
                throw new BadInput("cannot resume " + out + ": no checkpoint (" + dir.checkpoint().getFileName() + ", "
                        + dir.previousCheckpoint().getFileName() + ") but " + dir.metrics() + " records step " + reached
                        + ", after the first checkpoint at step " + first + "; use --overwrite to start afresh");
            }
            Files.deleteIfExists(dir.metrics()); // killed before the first checkpoint: nothing to continue from
            return pos;
        }
        Checkpoint.Meta meta = c.meta();
        if (meta.step() < 1 || meta.step() > total || meta.sums() == null) {
            throw new BadInput("checkpoint " + c.file() + " is at step " + meta.step() + ", outside this run's 1.." + total);
        }
        long have = Files.exists(dir.metrics()) ? Files.size(dir.metrics()) : -1;
        if (have < meta.metricsBytes()) {
            throw new BadInput("cannot resume " + out + ": " + dir.metrics() + (have < 0 ? " is missing" : " has " + have + " bytes")
                    + " but " + c.file() + " records " + meta.metricsBytes() + "; its history would be lost (use --overwrite to start afresh)");
        }
        try { // issue 22 item 4: the history the checkpoint continues must be sound, or the report would later drop the run
            Metrics.checkHistory(dir.metrics(), meta.metricsBytes(), meta.step(), plan.stepsPerEpoch());
        } catch (Metrics.Damaged ex) {
            throw new BadInput("cannot resume " + out + ": " + ex.getMessage() + ", in the part " + c.file().getFileName()
                    + " continues from; restore the file from a copy or use --overwrite to start afresh");
        }
        c.restoreModel(e.oracle().params(), e.oracle().runningStatistics());
        opt.loadState(c.optimizerState(expectedOptimizerState(plan.optimizers().create(), e.oracle().params())));
        pos.step = meta.step();
        pos.sums = meta.sums();
        Metrics.truncate(dir.metrics(), meta.metricsBytes());
        Metrics.Epoch last = lastEpoch(dir);
        if (last != null) {
            pos.lastTrain = new double[] {last.trainLoss(), last.trainError()};
        }
        log.println("gradreg train: resuming " + out + " at step " + pos.step + " of " + total + " from " + c.file().getFileName()
                + (meta.device() == null ? "" : " (trained on " + meta.device() + ", dropout masks drawn on the " + meta.masks() + ")"));
        String device = e.oracle().engine().backend().device().toString();
        if (meta.device() != null && (!meta.device().equals(device) || !meta.masks().equals(masks(e.oracle())))) {
            // issue 22 part 5: what the run ran on is recorded; moving it elsewhere is allowed but changes the numbers
            log.println("gradreg train: note: steps 1-" + pos.step + " ran on " + meta.device() + " with dropout masks drawn on the " + meta.masks()
                    + "; it continues on " + device + " with masks drawn on the " + masks(e.oracle()) + ", so its results will not be "
                    + "bit-identical to a run on one device (--device, --dropout-masks choose them)");
        }
        return pos;
    }

    private static Metrics.Epoch lastEpoch(RunDir dir) throws IOException {
        List<Metrics.Line> lines;
        try {
            lines = dir.readMetrics();
        } catch (Metrics.Damaged ex) {
            throw new BadInput("metrics file " + ex.getMessage());
        }
        Metrics.Epoch last = null;
        for (Metrics.Line l : lines) {
            if (l instanceof Metrics.Epoch ep) {
                last = ep;
            }
        }
        return last;
    }

    /**
     * The names and shapes of the optimizer state this run's optimizer has after a step: one step
     * of {@code probe}, a fresh optimizer of the plan, on zero parameters of the model's shapes with
     * constant gradients.
     */
    private static Map<String, INDArray> expectedOptimizerState(Optimizer probe, Params like) {
        Params p = like.zerosLike();
        Params g = like.zerosLike().map((k, v) -> v.addi(1e-3));
        probe.step(new Oracle() {
            @Override
            public Params params() {
                return p;
            }

            @Override
            public Evaluation evaluate(Pass pass) {
                return new Evaluation(1.0, g.copy());
            }
        });
        return probe.state();
    }

    /** Where the oracle's dropout masks are drawn, as the checkpoint records it: host or device. */
    private static String masks(ModelOracle o) {
        return o.maskSource().name().toLowerCase(Locale.ROOT);
    }

    /** Called after each step with the number of steps done; tests only (e.g. to fail as if memory ran out). */
    static volatile java.util.function.LongConsumer afterStep;

    /**
     * Issue 22 item 8: an {@link OutOfMemoryError} during the run as one line (exit 4): where it
     * stopped, what ran out, the checkpoint that is kept and what to raise. The lock is released by
     * {@link #run}'s finally; metrics after the checkpoint are dropped by {@code --resume} as after a kill.
     */
    private OutOfMemory outOfMemory(RunDir dir, long step, OutOfMemoryError e) {
        Path ckpt = dir.checkpoint();
        String kept = Files.exists(ckpt) ? "the last checkpoint, " + ckpt + ", is kept; continue with --resume once there is more memory"
                : "no checkpoint was written yet";
        String orig = e.getMessage() == null ? "" : " [" + e.getMessage().replaceAll("\\s*\\R\\s*", "; ") + "]";
        return new OutOfMemory("out of memory" + (step >= 0 ? " at step " + step : "") + " of " + out + ": " + OutOfMemory.what(e) + orig
                + "; " + kept + ". Give the process more memory (Slurm --mem; JAVA_OPTS=-Xmx…, which also sets ND4J's limits) or use "
                + "--accumulate / a smaller --batch or --eval-batch", e);
    }

    private RunResult diverged(Metrics.Writer metrics, RunDir dir, long step, int epoch, String why) throws IOException {
        Path ckpt = dir.checkpoint();
        String where = Files.exists(ckpt) ? "the last good checkpoint, " + ckpt + ", is kept" : "no checkpoint was written yet";
        String msg = "training stopped at step " + step + " (epoch " + (epoch + 1) + "): " + why + "; " + where
                + ". Lower the learning rate or enable clipping (--clip).";
        metrics.append(new Metrics.Diverged(step, msg));
        log.println("gradreg train: " + msg);
        return new RunResult(Status.DIVERGED, step, Double.NaN, Double.NaN, Double.NaN, Double.NaN, msg);
    }

    private static void deleteIfEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException ex) {
            // best effort: an empty directory is harmless
        }
    }
}
