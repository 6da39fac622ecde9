package keyshield.vit;

import keyshield.nn.Conv2d;
import keyshield.nn.Module;
import keyshield.tensor.Rng;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Cuts the image into non-overlapping p×p patches and projects each to D values: a convolution with
 * kernel = stride = p ({@code proj}), then flattening the grid into tokens.
 * x (B, C, H, W) → (B, H/p · W/p, D).
 */
public class PatchEmbed extends Module {
    private final ViTConfig c;
    private final Conv2d proj;
    private Module projLayer;                                                         // proj, or an adapter wrapping it

    public PatchEmbed(ViTConfig c, Rng rng, DataType dtype) {
        this.c = c;
        this.proj = child("proj", new Conv2d(c.inChans(), c.embedDim(), c.patchSize(), c.patchSize(), 0, true, rng.split("proj"), dtype));
        this.projLayer = proj;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != c.inChans() || x.size(2) != c.imgSize() || x.size(3) != c.imgSize())
            throw new ShapeException("patchEmbed: expected images (B, " + c.inChans() + ", " + c.imgSize() + ", " + c.imgSize()
                    + ") but got " + ShapeException.show(x.shape()));
        Tensor grid = projLayer.forward(x);                                                 // (B, D, H/p, W/p)
        return grid.reshape(x.size(0), c.embedDim(), c.numPatches())                  // (B, D, N)
                   .transpose(1, 2);                                                   // (B, N, D)
    }

    /** The base convolution (also when an adapter wraps it). */
    public Conv2d proj() { return proj; }

    /** Replaces the projection, e.g. by a LoRA wrapper around {@link #proj()} (registered under the same name). */
    public void replaceProj(Module wrapper) { projLayer = replaceChild("proj", wrapper); }
}
