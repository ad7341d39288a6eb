package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.landscape.Sharpness;
import org.gradreg.optim.rule.Adan;
import org.gradreg.optim.schedule.Schedule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class StateAndScheduleTest {

    @Test
    void savedAndRestoredStateContinuesExactly() {
        Optimizer proto = Optimizer.of(Adan.of(Schedule.warmupCosine(0.05, 3, 20)).weightDecay(0.02))
                .estimator(GradientRegularization.of(0.05, 0.8).zeroWarmup(3));
        TestObjective straight = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer a = proto.estimator(proto.estimator());
        a.run(straight, 12);

        TestObjective resumed = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer b = proto.estimator(proto.estimator());
        b.run(resumed, 5);
        Map<String, INDArray> saved = new LinkedHashMap<>();
        b.state().forEach((k, v) -> saved.put(k, v.dup()));
        double[] x5 = resumed.x();
        Optimizer c = proto.estimator(proto.estimator());
        c.loadState(saved);
        TestObjective again = new TestObjective(x5, DataType.DOUBLE);
        c.run(again, 7);
        assertEquals(12, c.stepCount());
        assertArrayEquals(straight.x(), again.x(), 0.0);
    }

    @Test
    void warmupCosineMatchesItsFormula() {
        Schedule s = Schedule.warmupCosine(1.0, 10, 110);
        assertEquals(0.0, s.at(0));
        assertEquals(0.5, s.at(5), 1e-15);
        assertEquals(1.0, s.at(10), 1e-15);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.25)), s.at(35), 1e-15);
        assertEquals(0.0, s.at(110), 1e-15);
        assertEquals(0.0, s.at(500));
        Schedule d = Schedule.stepDecay(0.1, 0.5, 30);
        assertEquals(0.1, d.at(29), 0);
        assertEquals(0.025, d.at(60), 1e-17);
    }

    /** GNR paper §2.3: for cos(πθ + π) and cos(3πθ + π) at θ = 0, ρ = 1, R^SAM = 2 and R^GNR = π, 3π. */
    @Test
    void sharpnessOfTheCosExample() {
        for (int k : new int[] {1, 3}) {
            VectorFunction f = new VectorFunction() {
                @Override
                public double value(double[] t) {
                    return Math.cos(k * Math.PI * t[0] + Math.PI);
                }

                @Override
                public double[] gradient(double[] t) {
                    return new double[] {-k * Math.PI * Math.sin(k * Math.PI * t[0] + Math.PI)};
                }
            };
            assertEquals(2.0, Sharpness.sam(f, new double[] {0}, 1.0), 1e-9);
            assertEquals(k * Math.PI, Sharpness.gnr(f, new double[] {0}, 1.0), 1e-9);
        }
    }

    /** On a quadratic ½θᵀAθ at its minimum R^SAM = ρ²λ_max/2 and R^GNR = ρ²λ_max (GNR Prop. 2.1). */
    @Test
    void sharpnessOfAQuadraticInThreeDimensions() {
        double[] eig = {3.0, 1.0, 0.5};
        VectorFunction q = new VectorFunction() {
            @Override
            public double value(double[] t) {
                double v = 0;
                for (int i = 0; i < 3; i++) {
                    v += 0.5 * eig[i] * t[i] * t[i];
                }
                return v;
            }

            @Override
            public double[] gradient(double[] t) {
                return new double[] {eig[0] * t[0], eig[1] * t[1], eig[2] * t[2]};
            }
        };
        double rho = 0.3;
        assertEquals(rho * rho * 3.0 / 2, Sharpness.sam(q, new double[3], rho), 1e-8);
        assertEquals(rho * rho * 3.0, Sharpness.gnr(q, new double[3], rho), 1e-6);
        // the argmax of ‖∇L‖ over the ball is ±ρ along the top eigenvector (eigenvalue 3: the first axis)
        double[] x = Sharpness.gnrArgmax(q, new double[3], rho);
        assertEquals(rho, Math.abs(x[0]), 1e-6);
        assertEquals(rho * 3.0, Math.sqrt(q.gradient(x)[0] * q.gradient(x)[0] + q.gradient(x)[1] * q.gradient(x)[1]
                + q.gradient(x)[2] * q.gradient(x)[2]), 1e-6);
    }
}
