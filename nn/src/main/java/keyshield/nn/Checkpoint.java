package keyshield.nn;

import keyshield.tensor.Function;
import keyshield.tensor.GradMode;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Activation checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost"): a
 * module's forward runs without keeping its intermediates, and backward recomputes them from the saved
 * input just before it needs them:
 * <pre>
 *   forward:   y = f(x)                       in a nested scope, no graph; keep x and y only
 *   backward:  y' = f(x) again, with a graph   in a nested scope, freed when it returns
 *              ∂L/∂x, ∂L/∂θ = backprop of ∂L/∂y through y'
 * </pre>
 * For a stack of L blocks the step keeps L block inputs instead of every block's activations, at the
 * price of one more forward per block (about a third more compute). The recomputation replays the same
 * ops on the same input with the same dropout draws ({@link RandomDraws} counters are rewound), so the
 * gradients are those of the plain graph, bit for bit. Shapes: whatever f takes and returns.
 *
 * <p>Modules that update buffers in training (BatchNorm's running statistics) would update them twice
 * and are refused.
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** f(x) for module f, checkpointed when a graph is being recorded through x; plain f(x) otherwise. */
    public static Tensor apply(Module f, Tensor x) {
        if (!GradMode.isEnabled() || !x.requiresGrad()) return f.forward(x);
        if (f.training() && !f.namedBuffers().isEmpty())
            throw new IllegalArgumentException("Checkpoint: module " + f.getClass().getSimpleName() + " has buffers "
                    + f.namedBuffers().keySet() + " that training updates; recomputing its forward would update them twice");
        return Function.apply(new Recompute(f), x);
    }

    /** The recorded node: forward without a graph, backward by recomputation. */
    static final class Recompute extends Function {
        private final Module f;
        private final List<RandomDraws> random = new ArrayList<>();
        private INDArray x;
        private long[] drawsBefore;

        Recompute(Module f) {
            this.f = f;
            if (f instanceof RandomDraws r) random.add(r);
            for (Module m : f.namedModules().values()) if (m instanceof RandomDraws r && m != f) random.add(r);
        }

        @Override public String name() { return "checkpoint(" + f.getClass().getSimpleName() + ")"; }

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            drawsBefore = draws();
            try (var nested = Scope.open(); var noGraph = GradMode.off()) {
                return nested.toParent(f.forward(Tensor.constant(x)).value());
            }
        }

        @Override protected INDArray[] backward(INDArray gradOutput) {
            long[] drawsAfter = draws();
            rewind(drawsBefore);
            try (var nested = Scope.open(); var graph = GradMode.on()) {
                Capture capture = new Capture();
                Tensor y = f.forward(Function.apply(capture, Tensor.variable(x)));
                if (y.requiresGrad()) y.backward(gradOutput);
                INDArray gx = capture.g == null ? Nd4j.zeros(x.dataType(), x.shape()) : capture.g;
                return new INDArray[] {nested.toParent(gx)};
            } finally {
                rewind(drawsAfter);
            }
        }

        private long[] draws() {
            long[] d = new long[random.size()];
            for (int i = 0; i < d.length; i++) d[i] = random.get(i).draws();
            return d;
        }

        private void rewind(long[] d) {
            for (int i = 0; i < d.length; i++) random.get(i).rewind(d[i]);
        }
    }

    /** Identity on the recomputation's input whose backward keeps ∂L/∂x instead of accumulating it into a leaf. */
    static final class Capture extends Function {
        INDArray g;

        @Override protected INDArray forward(INDArray... in) { return in[0]; }

        @Override protected INDArray[] backward(INDArray gradOutput) {
            g = gradOutput;
            return new INDArray[] {null};
        }
    }
}
