package keyshield.vit;

import keyshield.nn.Checkpoint;
import keyshield.nn.Dropout;
import keyshield.nn.Identity;
import keyshield.nn.Init;
import keyshield.nn.LayerNorm;
import keyshield.nn.Linear;
import keyshield.nn.Module;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Vision Transformer of Dosovitskiy et al. (2021) with timm's names and numerics:
 * <pre>
 * x (B, C, H, W) → patch_embed → (B, N, D) → prepend cls_token → (B, 1+N, D) → + pos_embed → dropout
 *   → blocks.0 … blocks.{depth−1} → norm → class token (or mean of patch tokens) → head → (B, classes)
 * </pre>
 * Parameters: {@code cls_token} (1, 1, D), {@code pos_embed} (1, 1+N, D), {@code patch_embed.proj.*},
 * {@code blocks.i.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2}.*}, {@code norm.*}, {@code head.*}.
 * Initialisation as timm: {@code pos_embed} trunc-normal(std 0.02), {@code cls_token} N(0, 1e-6²), Linear
 * layers trunc-normal(0.02) with zero bias, LayerNorm γ = 1, β = 0, the patch convolution PyTorch's default.
 */
public class VisionTransformer extends Module {
    private final ViTConfig config;
    private final PatchEmbed patchEmbed;
    private final Parameter clsToken, posEmbed;
    private final Dropout posDrop;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private Module head;
    private final DataType dtype;
    private boolean checkpointBlocks;

    /** A freshly initialised float32 model. */
    public VisionTransformer(ViTConfig c, Rng rng) { this(c, rng, DataType.FLOAT); }

    public VisionTransformer(ViTConfig c, Rng rng, DataType dtype) {
        this.config = c;
        this.dtype = dtype;
        long d = c.embedDim();
        clsToken = c.classToken() ? param("cls_token", rng.split("cls_token").normal(dtype, 0, 1e-6, 1, 1, d)) : null;
        posEmbed = param("pos_embed", Init.truncNormal(rng.split("pos_embed"), dtype, 0.02, 1, c.numTokens(), d));
        patchEmbed = child("patch_embed", new PatchEmbed(c, rng.split("patch_embed"), dtype));
        posDrop = child("pos_drop", new Dropout(c.dropRate(), rng.split("pos_drop")));
        BlockList list = child("blocks", new BlockList());
        for (int i = 0; i < c.depth(); i++) {
            double dp = c.depth() == 1 ? 0 : c.dropPathRate() * i / (c.depth() - 1);      // stochastic depth rule
            blocks.add(list.add(i, new Block(c, dp, rng.split("blocks", i), dtype)));
        }
        norm = child("norm", new LayerNorm(c.embedDim(), 1e-6, dtype));
        head = child("head", c.numClasses() > 0 ? new Linear(c.embedDim(), c.numClasses(), true, rng.split("head"), dtype) : new Identity());
    }

    /** The container of the blocks, so their names are {@code blocks.0}, {@code blocks.1}, … */
    static final class BlockList extends Module {
        Block add(int i, Block b) { return child(Integer.toString(i), b); }

        @Override public Tensor forward(Tensor x) { throw new UnsupportedOperationException("blocks are applied one by one"); }
    }

    @Override
    public Tensor forward(Tensor x) { return head.forward(features(x)); }

    /** The pooled representation before the head: (B, D). */
    public Tensor features(Tensor x) {
        Tensor t = patchEmbed.forward(x);                                              // (B, N, D)
        long b = t.size(0), d = t.size(2);
        if (clsToken != null) t = Tensor.concat(1, clsToken.broadcastTo(b, 1, d), t);   // (B, 1+N, D)
        t = posDrop.forward(t.add(posEmbed));
        for (Block blk : blocks) t = checkpointBlocks ? Checkpoint.apply(blk, t) : blk.forward(t);
        t = norm.forward(t);                                                           // (B, 1+N, D)
        return config.globalPool() == ViTConfig.GlobalPool.TOKEN
                ? t.select(1, 0)                                                       // (B, D) class token
                : t.slice(1, clsToken == null ? 0 : 1, t.size(1)).mean(false, 1);      // (B, D) mean of patches
    }

    /**
     * Activation checkpointing of the blocks ({@link Checkpoint}): training keeps each block's input
     * instead of all its activations and recomputes them in backward — about a third more compute for
     * memory that no longer grows with depth × batch (ViT-B/16 at batch 32 fits in 12 GiB). Gradients are
     * bit for bit the same. Off by default.
     */
    public void setCheckpointBlocks(boolean on) { checkpointBlocks = on; }

    public boolean checkpointBlocks() { return checkpointBlocks; }

    /** Replaces the classification head by a freshly initialised one with {@code numClasses} outputs (fine-tuning). */
    public void resetHead(int numClasses, Rng rng) {
        head = replaceChild("head", numClasses > 0 ? new Linear(config.embedDim(), numClasses, true, rng, dtype) : new Identity());
    }

    public ViTConfig config() { return config.withNumClasses(head instanceof Linear l ? l.outFeatures : 0); }

    public DataType dtype() { return dtype; }

    public PatchEmbed patchEmbed() { return patchEmbed; }

    public List<Block> blocks() { return Collections.unmodifiableList(blocks); }

    public Module head() { return head; }
}
