package keyshield.nn;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Scope;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A layer or model: explicitly registered children, parameters and buffers, named with dotted paths
 * identical to timm's / torchvision's state-dict keys ({@code blocks.0.attn.qkv.weight}), so importing a
 * checkpoint is a lookup, not a translation table.
 *
 * <pre>{@code
 * norm1 = child("norm1", new LayerNorm(dim, 1e-6));
 * weight = param("weight", init);                       // trainable
 * runningMean = buffer("running_mean", zeros);          // persistent state, not trained
 * }</pre>
 * Registration order is naming order. {@link #train()}/{@link #eval()} switch dropout-like behaviour in
 * the whole subtree.
 */
public abstract class Module {
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parameter> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, INDArray> buffers = new LinkedHashMap<>();
    private boolean training = true;

    /** The module's function of one input. */
    public abstract Tensor forward(Tensor x);

    // ---------------------------------------------------------------- registration

    protected <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    protected Parameter param(String name, INDArray init) {
        checkName(name);
        Parameter p = new Parameter(init);
        params.put(name, p);
        return p;
    }

    /** Persistent state that is saved and loaded but not trained (e.g. BatchNorm running statistics). */
    protected INDArray buffer(String name, INDArray init) {
        checkName(name);
        INDArray b = Scope.keep(init);
        buffers.put(name, b);
        return b;
    }

    /** Replaces a registered child (e.g. a Linear by its LoRA wrapper, or a new classification head). */
    protected <M extends Module> M replaceChild(String name, M module) {
        if (!children.containsKey(name)) throw new IllegalArgumentException("no child named '" + name + "' in " + getClass().getSimpleName());
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad module entry name '" + name + "'");
        if (children.containsKey(name) || params.containsKey(name) || buffers.containsKey(name))
            throw new IllegalArgumentException("'" + name + "' is registered twice in " + getClass().getSimpleName());
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter under this module, by dotted name, in registration order (own first, then children's). */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, null);
        return out;
    }

    public List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Every buffer under this module, by dotted name. */
    public LinkedHashMap<String, INDArray> namedBuffers() {
        LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
        collect("", null, out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> ps, Map<String, INDArray> bs) {
        if (ps != null) params.forEach((n, p) -> ps.put(prefix + n, p));
        if (bs != null) buffers.forEach((n, b) -> bs.put(prefix + n, b));
        children.forEach((n, c) -> c.collect(prefix + n + ".", ps, bs));
    }

    /** This module and every descendant, by dotted path ("" for this one). */
    public LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        out.put("", this);
        children.forEach((n, c) -> c.namedModules().forEach((k, m) -> out.put(k.isEmpty() ? n : n + "." + k, m)));
        return out;
    }

    /** The direct children, by name. */
    public LinkedHashMap<String, Module> children() { return new LinkedHashMap<>(children); }

    /** Parameters and buffers by name, in torch's state-dict order (each module's params then buffers, depth first). */
    public LinkedHashMap<String, INDArray> stateDict() {
        LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
        stateDict("", out);
        return out;
    }

    private void stateDict(String prefix, Map<String, INDArray> out) {
        params.forEach((n, p) -> out.put(prefix + n, p.data()));
        buffers.forEach((n, b) -> out.put(prefix + n, b));
        children.forEach((n, c) -> c.stateDict(prefix + n + ".", out));
    }

    /**
     * Copies {@code stateDict} into this module's parameters and buffers (values are cast to each
     * parameter's dtype). Everything is validated first, so a failing load changes nothing: with
     * {@code strict}, missing and unexpected names are errors; a shape mismatch always is. One exception
     * lists every problem.
     */
    public void loadStateDict(Map<String, INDArray> stateDict, boolean strict) {
        LinkedHashMap<String, INDArray> own = stateDict();
        TreeSet<String> missing = new TreeSet<>(own.keySet()), unexpected = new TreeSet<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : stateDict.entrySet()) {
            INDArray target = own.get(e.getKey());
            if (target == null) { unexpected.add(e.getKey()); continue; }
            missing.remove(e.getKey());
            if (!Arrays.equals(target.shape(), e.getValue().shape()))
                misShaped.add(e.getKey() + ": expected " + ShapeException.show(target.shape()) + " but got " + ShapeException.show(e.getValue().shape()));
        }
        List<String> problems = new ArrayList<>();
        if (!misShaped.isEmpty()) problems.add("mis-shaped " + misShaped);
        if (strict && !missing.isEmpty()) problems.add("missing " + missing);
        if (strict && !unexpected.isEmpty()) problems.add("unexpected " + unexpected);
        if (!problems.isEmpty())
            throw new IllegalArgumentException("cannot load state dict into " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        try (var noGrad = GradMode.off()) {
            for (Map.Entry<String, INDArray> e : stateDict.entrySet()) {
                INDArray target = own.get(e.getKey());
                if (target != null) target.assign(e.getValue().castTo(target.dataType()));
            }
        }
    }

    // ---------------------------------------------------------------- modes and counts

    /** Training mode for the whole subtree: dropout and stochastic depth active, BatchNorm uses batch statistics. */
    public void train() { setTraining(true); }

    /** Evaluation mode for the whole subtree: deterministic. */
    public void eval() { setTraining(false); }

    public boolean training() { return training; }

    private void setTraining(boolean on) {
        training = on;
        children.values().forEach(c -> c.setTraining(on));
    }

    /** Freezes (false) or unfreezes (true) every parameter of the subtree. */
    public void setTrainable(boolean trainable) { namedParameters().values().forEach(p -> p.setTrainable(trainable)); }

    public long parameterCount() { return parameters().stream().mapToLong(Tensor::length).sum(); }

    public long trainableParameterCount() { return parameters().stream().filter(Parameter::trainable).mapToLong(Tensor::length).sum(); }
}
