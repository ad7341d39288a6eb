package org.gradreg.trainer.cli;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import org.gradreg.optim.estimator.GrWarmup;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.config.DataConfig;
import org.gradreg.trainer.config.EstimatorConfig;
import org.gradreg.trainer.config.MeasureConfig;
import org.gradreg.trainer.config.ModelConfig;
import org.gradreg.trainer.config.OptimizerConfig;
import org.gradreg.trainer.config.RunOptions;
import org.gradreg.trainer.config.ScheduleConfig;
import org.gradreg.trainer.config.TrainConfig;
import org.gradreg.trainer.loop.RunPlan;
import org.gradreg.trainer.loop.Trainer;
import org.gradreg.trainer.run.RunComparison;
import org.gradreg.trainer.run.RunDir;
import org.gradreg.trainer.run.RunEnvironment;
import org.gradreg.trainer.run.RunResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradreg train}: one training run. Every hyper-parameter of the harmful-GR paper's Table 3
 * is an option; the defaults are a small CPU run (vit-nano on the synthetic set).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, resourceBundle = "org.gradreg.trainer.cli.OptionHelp",
        description = {"Train a model with the optim library's rules and estimators.",
                "Example (harmful-GR Table 3, ViT-Ti, zero-warmup GR):",
                "  gradreg train --model vit-ti --dataset cifar10 --data DIR --optimizer adam --lr 1e-3 --weight-decay 0.03 \\",
                "    --epochs 300 --warmup-epochs 40 --batch 256 --clip 1 --gr r=0.1,alpha=0.8 --gr-warmup zero --seed 0 --out runs/X"})
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Option(names = "--model", descriptionKey = "model", description = "Model (see the model registry).", defaultValue = "vit-nano")
    String model;

    @Option(names = "--dataset", descriptionKey = "dataset", description = "Data set (see the data set registry).",
            defaultValue = "synthetic")
    String dataset;

    @Option(names = "--data", description = "Directory with the CIFAR binary files (cifar-10-batches-bin or cifar-100-binary) "
            + "or the Fashion-MNIST IDX files (default for fashion-mnist: /usr/share/datasets/fashion-mnist, "
            + "from Debian's dataset-fashion-mnist).")
    Path data;

    @Option(names = "--data-seed", description = "Seed of the synthetic data set and of Fashion-MNIST subsets "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long dataSeed;

    @Option(names = "--train-limit", description = "Use only the first N training images (0: all).", defaultValue = "0")
    int trainLimit;

    @Option(names = "--test-limit", description = "Use only the first N test images (0: all).", defaultValue = "0")
    int testLimit;

    @Option(names = "--optimizer", descriptionKey = "optimizer", description = "Update rule (see the optim registries).",
            defaultValue = "adamw")
    String optimizer;

    @Option(names = "--lr", description = "Peak (base) learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "1e-3")
    double lr;

    @Option(names = "--weight-decay", description = "Weight decay, of the rule's kind (default: ${DEFAULT-VALUE}).", defaultValue = "0.03")
    double weightDecay;

    @Option(names = "--schedule", descriptionKey = "schedule", description = "Learning-rate schedule.",
            defaultValue = "cosine")
    String schedule;

    @Option(names = "--batch", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "128")
    int batch;

    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int epochs;

    @Option(names = "--warmup-epochs", description = "Learning-rate warmup, in epochs (default: 2, or a fifth of a run shorter than 10 epochs).")
    Double warmupEpochs;

    @Option(names = "--estimator", descriptionKey = "estimator", description = "Gradient estimator with its keys.", defaultValue = "plain")
    String estimator;

    @Option(names = "--gr", description = "Shorthand for --estimator gr:SPEC, e.g. --gr r=0.1,alpha=0.8 (α = λ/r).")
    String gr;

    @Option(names = "--gr-warmup", description = "GR warmup policy: none, r, lambda, zero (default: ${DEFAULT-VALUE}).", defaultValue = "none")
    String grWarmup;

    @Option(names = "--gr-warmup-epochs", description = "GR warmup length in epochs (default: the LR warmup's).", defaultValue = "-1")
    double grWarmupEpochs;

    @Option(names = "--clip", description = "Global-norm gradient clipping threshold, 0 for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    double clip;

    @Option(names = "--label-smoothing", description = "Label smoothing ε (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double labelSmoothing;

    @Option(names = "--no-augment", description = "Switch off augmentation (CIFAR, synthetic: pad-crop-flip; Fashion-MNIST: pad-crop).")
    boolean noAugment;

    @Option(names = "--seed", description = "Run seed: initialisation, shuffling, augmentation, dropout (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long seed;

    @Option(names = "--dtype", description = "float or double (default: ${DEFAULT-VALUE}).", defaultValue = "float")
    String dtype;

    @Option(names = "--conv", paramLabel = "ALGORITHM",
            description = "FLOAT 3x3 stride-1 convolutions on the CPU: winograd (F(2x2,3x3): fewer multiplies) or im2col (columns and "
                    + "one GEMM; other roundings). Default: winograd for a new FLOAT run of a convolutional model, else im2col; with --resume, the run's own "
                    + "(im2col for runs recorded before 2026-12-08).")
    String conv;

    /** --conv's value for a new FLOAT run (DOUBLE runs compute im2col whatever is set, so they record it). */
    public static final String DEFAULT_CONV = "winograd";

    /**
     * --conv, or with none given: on {@code --resume} the run's recorded algorithm (so that a run
     * recorded with im2col, as every run before the default changed, resumes with the same
     * command), else {@link #DEFAULT_CONV} for a FLOAT model with convolutions and im2col for DOUBLE
     * and for the ViTs and the linear model (which compute no convolution: their configs stay as before).
     */
    private String convolutions() {
        if (conv != null) {
            return conv;
        }
        if (resume && out != null) {
            TrainConfig saved = new RunDir(out).readConfig(); // null when there is none: the start check says so
            if (saved != null) {
                return saved.model().conv();
            }
        }
        String d = dtype == null ? "float" : dtype.toLowerCase(java.util.Locale.ROOT);
        return d.equals("double") || d.equals("float64") || !org.gradreg.trainer.model.Models.hasConvolutions(model) ? "im2col" : DEFAULT_CONV;
    }

    @Option(names = "--checkpoint-every", description = "Also checkpoint every N steps (0: at epoch ends only).", defaultValue = "0")
    int checkpointEvery;

    @Option(names = "--eval-batch", description = "Evaluation batch size (0: the training batch).", defaultValue = "0")
    int evalBatch;

    @Option(names = "--accumulate", description = "Gradient accumulation: split each batch into K equal micro-batches "
            + "(one optimizer step per batch; SAM/GR/GNR perturb with the full-batch gradient). Lets a batch that does not fit "
            + "in memory run (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int accumulate;

    @Option(names = "--threads", description = "CPU threads: ND4J's and the backend's own split of large GEMMs and kernels; OpenBLAS stays at one (0: one per core).", defaultValue = "0")
    int threads;

    @Option(names = "--out", description = "Run directory (default: ${DEFAULT-VALUE}).", defaultValue = "runs/train")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(names = "--overwrite", description = "Delete the run already in --out (finished or not) and start afresh.")
    boolean overwrite;

    @Option(names = "--remake", paramLabel = "RUN_DIR", description = "Make the run recorded in RUN_DIR again from its config.json "
            + "into --out (another folder), then compare the two runs' metrics line by line (wall times aside) and their results: exit 0 "
            + "when equal bit for bit, 1 when not. Goes with --out, --data, --threads (default: the recorded run's), --quiet, "
            + "--overwrite and --resume (of an interrupted re-make) only.")
    Path remake;

    @Option(names = "--config", description = "JSON or YAML (.yaml, .yml) file of option values (keys: these option names, e.g. \"lr\", \"weight-decay\"); "
            + "options on the command line override it.")
    Path configFile;

    @Spec
    CommandSpec spec;

    @Option(names = "--quiet", description = "No progress bar; one line per epoch instead.")
    boolean quiet;

    @Option(names = "--psi-every", paramLabel = "N", defaultValue = "0",
            description = "Every N steps, measure Var(psi) of the adaptive rate per coordinate over --psi-batches mini-batches at fixed "
                    + "parameters (Adam-type and RMSProp rules; training is unchanged; default: ${DEFAULT-VALUE}, never).")
    int psiEvery;

    @Option(names = "--psi-batches", paramLabel = "K", defaultValue = "16", description = "Mini-batches per Var(psi) measurement (default: ${DEFAULT-VALUE}).")
    int psiBatches;

    /** The run's configuration from the options: each option sets one setting (--gr and the GR warmup options, the estimator's keys). */
    public TrainConfig config() {
        double warmup = warmupEpochs == null ? TrainConfig.defaultWarmup(epochs) : warmupEpochs;
        return new TrainConfig(new ModelConfig(model, dtype, convolutions()),
                new DataConfig(dataset, data == null ? null : data.toString(), dataSeed, trainLimit, testLimit, !noAugment),
                new OptimizerConfig(optimizer, lr, weightDecay, new ScheduleConfig(schedule, warmup), clip), estimator(),
                new RunOptions(epochs, batch, accumulate, labelSmoothing, seed, checkpointEvery, evalBatch),
                new MeasureConfig(psiEvery, psiBatches));
    }

    /** --estimator SPEC, or --gr KEYS (GR with those keys), with --gr-warmup and --gr-warmup-epochs as gr's keys warmup and warmup_epochs. */
    private EstimatorConfig estimator() {
        EstimatorConfig e = gr != null ? EstimatorConfig.of("gr", grKeys(gr)) : EstimatorConfig.parse(estimator);
        String warmup = GrWarmup.parse(grWarmup, 0).kind().name().toLowerCase(java.util.Locale.ROOT); // none, r, lambda, zero (and their aliases)
        boolean policy = !warmup.equals("none");
        if (!policy && grWarmupEpochs < 0) {
            return e;
        }
        if (!e.name().equals("gr")) {
            throw new BadInput("--gr-warmup and --gr-warmup-epochs apply to GR (--gr or --estimator gr:…), not " + e.name());
        }
        if (policy) {
            if (e.keys().containsKey("warmup")) {
                throw new BadInput("the GR warmup is given twice: warmup=" + e.keys().get("warmup") + " in the spec and --gr-warmup " + grWarmup);
            }
            e = e.with("warmup", warmup);
        }
        if (grWarmupEpochs >= 0) {
            e = e.with("warmup_epochs", grWarmupEpochs);
        }
        return e;
    }

    /** --gr's value: GR's keys {@code key=value,…}, not an estimator spec (that is --estimator's). */
    private static java.util.Map<String, String> grKeys(String keys) {
        if (keys.contains(":")) {
            throw new BadInput("--gr takes GR's keys (e.g. --gr r=0.1,alpha=0.8), not an estimator spec; got '" + keys
                    + "' (for a spec use --estimator)");
        }
        try {
            return org.gradreg.common.registry.Spec.keyValues(keys);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--gr " + keys + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issue 22 items 5, 10 and 12: {@code --resume} of a directory that does not exist, {@code --out}
     * naming a regular file, and {@code --gr} together with {@code --estimator} are refused.
     */
    private void checkOutAndEstimator() {
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new BadInput("--out " + out + " is a file, not a directory");
        }
        if (resume && !overwrite && !java.nio.file.Files.exists(out)) {
            throw new BadInput("--resume: the run directory " + out + " does not exist (leave out --resume to start a new run)");
        }
        boolean estimatorGiven = !"plain".equals(estimator) || (spec != null && spec.commandLine() != null
                && spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption("--estimator"));
        if (gr != null && estimatorGiven) {
            throw new BadInput("--gr " + gr + " and --estimator " + estimator + " both choose the estimator; give one of them");
        }
    }

    /** The options that may go with --remake: where and how to run, never what. */
    private static final Set<String> REMAKE_OPTIONS = Set.of("--remake", "--out", "--data", "--threads", "--quiet", "--overwrite", "--resume",
            "--debug");

    /**
     * {@code --remake RUN_DIR}: the recorded run's own configuration, trained again into --out and
     * compared with it ({@link RunComparison}); a note for each kernel-choosing environment variable
     * (e.g. {@code OPENBLAS_CORETYPE}) that differs from the recorded run's.
     */
    private Integer remake() throws Exception {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (CommandLine.Model.OptionSpec o : pr.matchedOptions()) {
            if (!REMAKE_OPTIONS.contains(o.longestName())) {
                throw new BadInput(o.longestName() + " cannot go with --remake, which makes the run with its recorded settings (only "
                        + "--out, --data, --threads, --quiet, --overwrite and --resume may be given)");
            }
        }
        RunDir from = new RunDir(remake);
        TrainConfig cfg = from.readConfig();
        if (cfg == null) {
            throw new BadInput("--remake " + remake + ": no run there (no " + RunDir.CONFIG + ")");
        }
        if (java.nio.file.Files.exists(out) && java.nio.file.Files.isSameFile(out, remake)) {
            throw new BadInput("--out " + out + " is the run given to --remake; the re-made run needs another folder");
        }
        checkOutAndEstimator();
        if (data != null) {
            cfg = cfg.with("data.dir", data.toString());
        }
        java.util.List<RunEnvironment> envs = from.readEnvironments();
        int t = threads;
        if (!pr.hasMatchedOption("--threads") && !envs.isEmpty()) {
            try {
                t = Integer.parseInt(envs.get(0).compute().getOrDefault("nd4jMaxMasterThreads", "0"));
            } catch (NumberFormatException e) {
                t = threads;
            }
        }
        if (envs.isEmpty()) {
            System.out.println("train --remake: note: " + remake + " records no environment.json (an early run): the BLAS kernel and "
                    + "thread count it ran with are unknown");
        } else {
            RunEnvironment now = RunEnvironment.current(false, "cpu", java.util.Map.of());
            for (String note : envs.get(0).differences(now)) {
                System.out.println("train --remake: note: " + note);
            }
        }
        RunPlan plan = RunPlan.check(cfg);
        Trainer.threads(t);
        org.gradreg.trainer.loop.Preemption.install();
        RunResult r = new Trainer(plan, out).progress(!quiet).overwrite(overwrite).run(resume);
        String signal = org.gradreg.trainer.loop.Preemption.requested();
        if (r.status() == RunResult.Status.INTERRUPTED && signal != null) {
            System.out.println("train: " + r.message() + "; checkpoint in " + out + ", continue with the same command and --resume (no "
                    + "comparison made)");
            return org.gradreg.trainer.loop.Preemption.exitCode(signal);
        }
        System.out.printf(java.util.Locale.ROOT, "train: %s after %d steps; test error %.2f%%, test loss %.4f; run in %s%n",
                r.status().name().toLowerCase(java.util.Locale.ROOT), r.steps(), 100 * r.testError(), r.testLoss(), out);
        RunComparison c = RunComparison.of(from.path(), out);
        System.out.println("train --remake: " + out + " is " + c.sentence(from.path()));
        return c.equal() ? 0 : 1;
    }

    @Override
    public Integer call() throws Exception {
        deviceOptions.apply();
        if (remake != null) {
            return remake();
        }
        java.util.List<String> fromFile = configFile != null ? Cli.applyConfig(spec, configFile, Set.of("config")) : java.util.List.of();
        checkOutAndEstimator();
        RunPlan plan;
        try {
            plan = RunPlan.check(config());
        } catch (IllegalArgumentException e) {
            // issue 22 item 11: a range error from a value the --config file gave names the file and its values
            throw new BadInput(e.getMessage() + (fromFile.isEmpty() ? "" : " (config file " + configFile + " sets " + String.join(", ", fromFile) + ")"), e);
        }
        Trainer.threads(threads);
        org.gradreg.trainer.loop.Preemption.install();
        RunResult r = new Trainer(plan, out).progress(!quiet).overwrite(overwrite).run(resume);
        String signal = org.gradreg.trainer.loop.Preemption.requested();
        if (r.status() == RunResult.Status.INTERRUPTED && signal != null) {
            System.out.println("train: " + r.message() + "; checkpoint in " + out + ", continue with --resume");
            return org.gradreg.trainer.loop.Preemption.exitCode(signal);
        }
        System.out.printf(java.util.Locale.ROOT, "train: %s after %d steps; test error %.2f%%, test loss %.4f; run in %s%n",
                r.status().name().toLowerCase(java.util.Locale.ROOT), r.steps(), 100 * r.testError(), r.testLoss(), out);
        return r.status() == RunResult.Status.FINISHED ? 0 : r.status() == RunResult.Status.DIVERGED ? 3 : 1;
    }
}
