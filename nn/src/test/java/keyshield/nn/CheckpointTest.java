package keyshield.nn;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {
    /** A residual block with dropout on both branches: x + drop(fc2(gelu(fc1(norm(x))))), then a second dropout. (B, 6) → (B, 6). */
    static final class Residual extends Module {
        final LayerNorm norm = child("norm", new LayerNorm(6, 1e-6, DataType.DOUBLE));
        final Linear fc1, fc2;
        final Dropout drop;
        final DropPath dropPath;

        Residual(Rng rng) {
            fc1 = child("fc1", new Linear(6, 12, true, rng.split("fc1"), DataType.DOUBLE));
            fc2 = child("fc2", new Linear(12, 6, true, rng.split("fc2"), DataType.DOUBLE));
            drop = child("drop", new Dropout(0.3, rng.split("drop")));
            dropPath = child("drop_path", new DropPath(0.25, rng.split("drop_path")));
        }

        @Override public Tensor forward(Tensor x) {
            Tensor h = drop.forward(fc2.forward(new Gelu().forward(fc1.forward(norm.forward(x)))));
            return x.add(dropPath.forward(h));
        }
    }

    /** Three blocks and a loss; returns the loss and ∂L/∂x, with every parameter's gradient left in place. */
    private static double step(List<Residual> blocks, Parameter x, boolean checkpoint) {
        try (var s = Scope.open()) {
            Tensor t = x;
            for (Residual b : blocks) t = checkpoint ? Checkpoint.apply(b, t) : b.forward(t);
            Tensor loss = t.mul(t).sum();
            loss.backward();
            return loss.item();
        }
    }

    private static List<Residual> blocks(long seed) {
        List<Residual> blocks = new ArrayList<>();
        for (int i = 0; i < 3; i++) blocks.add(new Residual(Rng.seeded(seed).split("block", i)));
        blocks.forEach(Module::train);
        return blocks;
    }

    private static List<INDArray> grads(List<Residual> blocks, Parameter x) {
        List<INDArray> g = new ArrayList<>();
        for (Residual b : blocks) for (Parameter p : b.parameters()) g.add(p.grad().dup());
        g.add(x.grad().dup());
        return g;
    }

    /** With dropout active, over three steps (so the replayed draws must also leave the counters where the plain run does). */
    @Test
    void gradientsAreBitForBitThoseOfThePlainGraph() {
        List<Residual> plain = blocks(7), ckpt = blocks(7);
        INDArray x0 = Rng.seeded(8).normal(DataType.DOUBLE, 0, 1, 5, 6);
        Parameter xPlain = new Parameter(x0.dup()), xCkpt = new Parameter(x0.dup());
        for (int s = 0; s < 3; s++) {
            for (var b : plain) b.parameters().forEach(Parameter::clearGrad);
            for (var b : ckpt) b.parameters().forEach(Parameter::clearGrad);
            xPlain.clearGrad();
            xCkpt.clearGrad();
            double lPlain = step(plain, xPlain, false), lCkpt = step(ckpt, xCkpt, true);
            assertThat(lCkpt).as("loss of step " + s).isEqualTo(lPlain);
            assertThat(grads(ckpt, xCkpt)).as("gradients of step " + s).isEqualTo(grads(plain, xPlain));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(ckpt.get(i).drop.draws()).isEqualTo(plain.get(i).drop.draws()).isEqualTo(3);
            assertThat(ckpt.get(i).dropPath.draws()).isEqualTo(plain.get(i).dropPath.draws()).isEqualTo(3);
        }
    }

    /** Dropout really draws here: two forwards of the same block differ, so the equality above is not vacuous. */
    @Test
    void theBlocksAreRandomInTraining() {
        Residual b = blocks(7).get(0);
        INDArray x = Rng.seeded(8).normal(DataType.DOUBLE, 0, 1, 5, 6);
        try (var off = GradMode.off()) {
            assertThat(b.forward(Tensor.constant(x)).value()).isNotEqualTo(b.forward(Tensor.constant(x)).value());
        }
    }

    @Test
    void withoutAGraphItIsThePlainForward() {
        Residual b = blocks(7).get(0);
        b.eval();
        INDArray x = Rng.seeded(8).normal(DataType.DOUBLE, 0, 1, 5, 6);
        try (var off = GradMode.off()) {
            Tensor y = Checkpoint.apply(b, Tensor.variable(x));
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.value()).isEqualTo(b.forward(Tensor.constant(x)).value());
        }
    }

    @Test
    void modulesWithTrainingBuffersAreRefused() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.1, DataType.DOUBLE);
        bn.train();
        Tensor x = Tensor.variable(Rng.seeded(1).normal(DataType.DOUBLE, 0, 1, 2, 3, 4, 4));
        assertThatThrownBy(() -> Checkpoint.apply(bn, x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchNorm2d").hasMessageContaining("running_mean").hasMessageContaining("twice");
    }
}
