// 04 · A tiny ViT on the built-in synthetic CIFAR-shaped data, stepped by the same optim classes:
// Adam + GR (eq. 10) through the model oracle. Each GR step evaluates the network twice.

import org.gradreg.trainer.loop.*;
import org.gradreg.trainer.data.*;
import org.gradreg.trainer.model.*;

Trainer.threads(1);
DataSplit data = SyntheticCifar.generate(256, 64, 4, 8, 0);        // 4 classes of 8×8 images
var net = Engines.build("vit-micro:patch=4,hidden=16,mlp=32,heads=2,layers=1", 3, 8, 4, DataType.FLOAT, 0);
ModelOracle oracle = new ModelOracle(net);
Batches batches = Batches.training(data.train(), 32, true, 0);
Optimizer opt = optimizer(adam(3e-3)).estimator(gr(0.05, 0.8));  // try gr(0.05, 0.8).zeroWarmup(16) or sam(0.05)
System.out.println(net + "\n" + opt);
for (int step = 0; step < 24; step++) {
    oracle.setBatch(batches.get(step / batches.count(), step % batches.count()), 0.0, step);
    StepInfo info = opt.step(oracle);
    if (step % 4 == 3) System.out.printf("step %2d: loss %.4f, ‖g₁‖ %.4f, %d evaluations%n", step + 1, info.loss(), info.gradNorm(), info.evaluations());
}
double[] test = oracle.lossAndError(Batches.evaluation(data.test(), 64));
System.out.printf("test loss %.4f, test error %.3f (chance 0.75)%n", test[0], test[1]);
