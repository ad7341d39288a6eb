package org.gradreg.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.StepInfo;
import org.gradreg.optim.schedule.Schedule;

/**
 * The gradreg side of bench/peer_equivalence.py: runs an optimizer and estimator spec on a
 * {@link PeerProblem} and writes the parameters after every step (flattened in the problem's
 * tensor order, torch's row-major layout) and each step's values as JSON.
 * <pre>
 *   java -cp 'app/target/classes:app/target/lib/*' org.gradreg.app.bench.PeerRun \
 *        problem.json 'sgd:momentum=0.9' 0.05 0 'gsam:rho=0.05,alpha=0.4' 20 out.json
 * </pre>
 * Arguments: problem file, rule spec, constant learning rate, weight decay (the rule's kind, as
 * --weight-decay), estimator spec, steps, output file.
 */
public final class PeerRun {

    private PeerRun() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: PeerRun problem.json rule-spec lr weight-decay estimator-spec steps out.json");
        }
        PeerProblem problem = PeerProblem.read(Path.of(args[0]));
        Optimizer opt = Optim.optimizer(Optim.rule(args[1], Schedule.constant(Double.parseDouble(args[2])), Double.parseDouble(args[3])))
                .estimator(Optim.estimator(args[4]));
        int steps = Integer.parseInt(args[5]);
        List<double[]> trajectory = new ArrayList<>();
        List<Map<String, Double>> values = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            problem.setStep(t);
            StepInfo info = opt.step(problem);
            values.add(info.values());
            List<Double> flat = new ArrayList<>();
            problem.params().forEach(e -> {
                for (double v : e.getValue().dup('c').data().asDouble()) {
                    flat.add(v);
                }
            });
            trajectory.add(flat.stream().mapToDouble(Double::doubleValue).toArray());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("optimizer", opt.toString());
        out.put("params", trajectory);
        out.put("values", values);
        Files.writeString(Path.of(args[6]), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(out));
    }
}
