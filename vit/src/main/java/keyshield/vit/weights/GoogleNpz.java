package keyshield.vit.weights;

import keyshield.tensor.io.Npz;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Google's original ViT checkpoints ({@code ViT-B_16.npz}, AugReg) ↔ timm state dicts.
 *
 * <p>The Flax layout differs from timm's in names and axes (facts from timm's {@code _load_weights}):
 * <ul>
 *   <li>{@code embedding/kernel} is HWIO (p, p, C, D) → {@code patch_embed.proj.weight} (D, C, p, p);</li>
 *   <li>Dense kernels are (in, out) → Linear weights (out, in);</li>
 *   <li>attention has separate {@code query/key/value} kernels (D, heads, headDim) and biases
 *       (heads, headDim), fused here into timm's {@code qkv} (3·D, D) in the order q, k, v; the output
 *       kernel is (heads, headDim, D);</li>
 *   <li>block {@code i} lives under {@code Transformer/encoderblock_i/} as LayerNorm_0,
 *       MultiHeadDotProductAttention_1, LayerNorm_2, MlpBlock_3/Dense_0|1 (big_vision checkpoints number
 *       them 0, 0, 1, 0).</li>
 * </ul>
 * The head count is read from the query kernel's shape.
 */
public final class GoogleNpz {
    private GoogleNpz() {}

    /** A converted checkpoint and the head count its attention kernels show. */
    public record Converted(LinkedHashMap<String, INDArray> stateDict, int numHeads) {}

    /** Reads a Google .npz checkpoint as a timm state dict. */
    public static Converted read(Path file) throws IOException {
        Map<String, INDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : Npz.read(file).entrySet())
            w.put(e.getKey().startsWith("opt/target/") ? e.getKey().substring("opt/target/".length()) : e.getKey(), e.getValue());
        Reader r = new Reader(w, file);
        boolean bigVision = w.containsKey("Transformer/encoderblock_0/MlpBlock_0/Dense_0/kernel");
        String mha = bigVision ? "MultiHeadDotProductAttention_0/" : "MultiHeadDotProductAttention_1/";
        String ln2 = bigVision ? "LayerNorm_1/" : "LayerNorm_2/";
        String mlp = bigVision ? "MlpBlock_0/" : "MlpBlock_3/";

        LinkedHashMap<String, INDArray> sd = new LinkedHashMap<>();
        sd.put("cls_token", r.take("cls", 3));
        sd.put("pos_embed", r.take("Transformer/posembed_input/pos_embedding", 3));
        sd.put("patch_embed.proj.weight", r.take("embedding/kernel", 4).permute(3, 2, 0, 1).dup('c'));   // (p,p,C,D) → (D,C,p,p)
        sd.put("patch_embed.proj.bias", r.take("embedding/bias", 1));
        int heads = -1;
        for (int i = 0; r.has("Transformer/encoderblock_" + i + "/LayerNorm_0/scale"); i++) {
            String g = "Transformer/encoderblock_" + i + "/", t = "blocks." + i + ".";
            sd.put(t + "norm1.weight", r.take(g + "LayerNorm_0/scale", 1));
            sd.put(t + "norm1.bias", r.take(g + "LayerNorm_0/bias", 1));
            INDArray q = r.take(g + mha + "query/kernel", 3);
            long[] kernelShape = q.shape(), biasShape = {q.size(1), q.size(2)};
            heads = (int) Math.min(q.size(1), Integer.MAX_VALUE);
            INDArray[] kernels = new INDArray[3], biases = new INDArray[3];
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                INDArray kern = r.take(g + mha + parts[k] + "/kernel", kernelShape);
                kernels[k] = kern.reshape('c', kern.size(0), kern.size(1) * kern.size(2)).transpose();   // (D, H, Dh) → (H·Dh, D)
                INDArray bias = r.take(g + mha + parts[k] + "/bias", biasShape);
                biases[k] = bias.reshape(bias.length());                                                // (H, Dh) → (H·Dh)
            }
            sd.put(t + "attn.qkv.weight", Nd4j.concat(0, kernels).dup('c'));                      // (3·D, D)
            sd.put(t + "attn.qkv.bias", Nd4j.concat(0, biases).dup('c'));
            INDArray out = r.take(g + mha + "out/kernel", 3);                                       // (H, Dh, D)
            sd.put(t + "attn.proj.weight", out.reshape('c', out.size(0) * out.size(1), out.size(2)).transpose().dup('c'));
            sd.put(t + "attn.proj.bias", r.take(g + mha + "out/bias", 1));
            sd.put(t + "norm2.weight", r.take(g + ln2 + "scale", 1));
            sd.put(t + "norm2.bias", r.take(g + ln2 + "bias", 1));
            sd.put(t + "mlp.fc1.weight", r.take(g + mlp + "Dense_0/kernel", 2).transpose().dup('c'));
            sd.put(t + "mlp.fc1.bias", r.take(g + mlp + "Dense_0/bias", 1));
            sd.put(t + "mlp.fc2.weight", r.take(g + mlp + "Dense_1/kernel", 2).transpose().dup('c'));
            sd.put(t + "mlp.fc2.bias", r.take(g + mlp + "Dense_1/bias", 1));
        }
        if (heads < 0) throw new WeightFileException(file, "no Transformer/encoderblock_0 found: not a Google ViT checkpoint (keys: " + new TreeSet<>(w.keySet()) + ")");
        sd.put("norm.weight", r.take("Transformer/encoder_norm/scale", 1));
        sd.put("norm.bias", r.take("Transformer/encoder_norm/bias", 1));
        if (r.has("head/kernel")) {
            sd.put("head.weight", r.take("head/kernel", 2).transpose().dup('c'));                  // (D, classes) → (classes, D)
            sd.put("head.bias", r.take("head/bias", 1));
        }
        r.requireAllUsed();
        return new Converted(sd, heads);
    }

    /** Writes a timm state dict in Google's layout (the inverse of {@link #read}). */
    public static void write(Path file, Map<String, INDArray> sd, int numHeads) throws IOException {
        LinkedHashMap<String, INDArray> w = new LinkedHashMap<>();
        w.put("cls", sd.get("cls_token"));
        w.put("Transformer/posembed_input/pos_embedding", sd.get("pos_embed"));
        w.put("embedding/kernel", sd.get("patch_embed.proj.weight").permute(2, 3, 1, 0).dup('c'));   // (D,C,p,p) → (p,p,C,D)
        w.put("embedding/bias", sd.get("patch_embed.proj.bias"));
        for (int i = 0; sd.containsKey("blocks." + i + ".norm1.weight"); i++) {
            String g = "Transformer/encoderblock_" + i + "/", t = "blocks." + i + ".", mha = g + "MultiHeadDotProductAttention_1/";
            w.put(g + "LayerNorm_0/scale", sd.get(t + "norm1.weight"));
            w.put(g + "LayerNorm_0/bias", sd.get(t + "norm1.bias"));
            INDArray qkv = sd.get(t + "attn.qkv.weight"), qkvBias = sd.get(t + "attn.qkv.bias");
            long d = qkv.size(1), headDim = d / numHeads;
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                INDArray rows = qkv.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(k * d, (k + 1) * d), org.nd4j.linalg.indexing.NDArrayIndex.all());
                w.put(mha + parts[k] + "/kernel", rows.transpose().dup('c').reshape('c', d, numHeads, headDim));     // (D, H, Dh)
                w.put(mha + parts[k] + "/bias", qkvBias.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(k * d, (k + 1) * d)).dup('c').reshape('c', numHeads, headDim));
            }
            w.put(mha + "out/kernel", sd.get(t + "attn.proj.weight").transpose().dup('c').reshape('c', numHeads, headDim, d));   // (H, Dh, D)
            w.put(mha + "out/bias", sd.get(t + "attn.proj.bias"));
            w.put(g + "LayerNorm_2/scale", sd.get(t + "norm2.weight"));
            w.put(g + "LayerNorm_2/bias", sd.get(t + "norm2.bias"));
            w.put(g + "MlpBlock_3/Dense_0/kernel", sd.get(t + "mlp.fc1.weight").transpose().dup('c'));
            w.put(g + "MlpBlock_3/Dense_0/bias", sd.get(t + "mlp.fc1.bias"));
            w.put(g + "MlpBlock_3/Dense_1/kernel", sd.get(t + "mlp.fc2.weight").transpose().dup('c'));
            w.put(g + "MlpBlock_3/Dense_1/bias", sd.get(t + "mlp.fc2.bias"));
        }
        w.put("Transformer/encoder_norm/scale", sd.get("norm.weight"));
        w.put("Transformer/encoder_norm/bias", sd.get("norm.bias"));
        if (sd.containsKey("head.weight")) {
            w.put("head/kernel", sd.get("head.weight").transpose().dup('c'));
            w.put("head/bias", sd.get("head.bias"));
        }
        Npz.write(file, w);
    }

    /** Takes arrays by name with a rank check, and remembers which were used so leftovers can be reported. */
    private static final class Reader {
        private final Map<String, INDArray> w;
        private final Path file;
        private final TreeSet<String> unused;

        Reader(Map<String, INDArray> w, Path file) { this.w = w; this.file = file; this.unused = new TreeSet<>(w.keySet()); }

        boolean has(String name) { return w.containsKey(name); }

        INDArray take(String name, int rank) throws WeightFileException {
            INDArray a = w.get(name);
            if (a == null) throw new WeightFileException(file, "missing array '" + name + "'");
            if (a.rank() != rank) throw new WeightFileException(file, "array '" + name + "' must have rank " + rank + " but has shape " + Arrays.toString(a.shape()));
            TensorChecks.requireFinite(a, file, "array '" + name + "'");
            unused.remove(name);
            return a;
        }

        /** An array that must have exactly {@code shape} (the query kernel's, for key and value). */
        INDArray take(String name, long[] shape) throws WeightFileException {
            INDArray a = take(name, shape.length);
            if (!Arrays.equals(a.shape(), shape))
                throw new WeightFileException(file, "array '" + name + "' must have shape " + Arrays.toString(shape) + " but has " + Arrays.toString(a.shape()));
            return a;
        }

        /** Checkpoints carry extras we do not map (pre_logits, optimizer state): only 'pre_logits' is refused, as it changes the head's input. */
        void requireAllUsed() throws WeightFileException {
            for (String u : unused)
                if (u.startsWith("pre_logits/"))
                    throw new WeightFileException(file, "has a pre_logits layer ('" + u + "'), which timm's VisionTransformer does not model");
        }
    }
}
