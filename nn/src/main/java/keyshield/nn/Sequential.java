package keyshield.nn;

import keyshield.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Modules applied in order, named "0", "1", … as PyTorch's nn.Sequential (torchvision's
 * {@code downsample.0}/{@code downsample.1}). Also the model pipeline of an experiment:
 * {@code new Sequential(normalize, keyTransform, vit)} is a classifier of raw [0, 1] images.
 */
public class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        for (Module m : layers) add(m);
    }

    /** Appends a module under the next index name. */
    public Sequential add(Module m) {
        layers.add(child(Integer.toString(layers.size()), m));
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }

    public List<Module> layers() { return Collections.unmodifiableList(layers); }
}
