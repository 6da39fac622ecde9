package keyshield.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the graph that {@link Function#apply} recorded.
 *
 * <p>The tensors reachable from the root are put in topological order with an explicit stack (no
 * recursion, so a 10,000-op graph cannot overflow the Java stack). Walking that order backwards, each
 * tensor's accumulated gradient ∂L/∂t is handed to its creator's backward, and the results are summed
 * into the gradients of the creator's inputs (a tensor used on two paths gets the sum of both). Leaves
 * that require a gradient accumulate into {@link Tensor#grad()} with {@code +=} semantics; that buffer
 * lives outside any {@link Scope}. Afterwards the graph is released unless asked to keep it.
 */
final class Backprop {
    private Backprop() {}

    static void run(Tensor root, INDArray seed, boolean retainGraph) {
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, INDArray> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        OpProfile profile = OpProfile.current();
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            INDArray g = grads.remove(t);
            if (g == null) continue;                                   // no path from the root carries a gradient here
            Function f = t.creator();
            if (f == null) {
                long t0 = profile == null ? 0 : System.nanoTime();
                t.accumulateGrad(g);
                if (profile != null) profile.backward("(leaf gradient +=)", System.nanoTime() - t0);
                continue;
            }
            Tensor[] inputs = f.inputs();
            long t0 = profile == null ? 0 : System.nanoTime();
            INDArray[] inGrads = f.gradients(g);
            if (profile != null) profile.backward(f.name(), System.nanoTime() - t0);
            for (int k = 0; k < inputs.length; k++) {
                if (inGrads[k] == null || !inputs[k].requiresGrad()) continue;
                INDArray previous = grads.get(inputs[k]);
                if (previous == null) { grads.put(inputs[k], inGrads[k]); continue; }
                long t1 = profile == null ? 0 : System.nanoTime();
                grads.put(inputs[k], previous.add(inGrads[k]));                // never in place: arrays may alias
                if (profile != null) profile.backward("(gradient sum)", System.nanoTime() - t1);
            }
            if (!retainGraph) f.release();
        }
    }

    /** Tensors reachable from {@code root} through recorded creators, inputs before the tensors they make. */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();                  // (tensor, index of the next input to visit)
        if (root.creator() != null && root.creator().released()) throw root.creator().freed();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Function f = t.creator();
            Tensor[] inputs = f == null ? new Tensor[0] : f.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in.requiresGrad() && visited.add(in)) {
                    if (in.creator() != null && in.creator().released()) throw in.creator().freed();
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
