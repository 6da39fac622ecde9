package keyshield.vit.weights;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hugging Face {@code transformers} ViT names → timm names. HF stores q, k and v separately
 * ({@code vit.encoder.layer.N.attention.attention.query.weight}); timm fuses them into one
 * {@code blocks.N.attn.qkv} in the order q, k, v. A state dict already in timm names passes unchanged.
 */
final class HfNames {
    private HfNames() {}

    static LinkedHashMap<String, INDArray> toTimm(LinkedHashMap<String, INDArray> sd, Path file) throws WeightFileException {
        if (!sd.containsKey("vit.embeddings.patch_embeddings.projection.weight")) return sd;
        LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
        out.put("cls_token", take(sd, "vit.embeddings.cls_token", file));
        out.put("pos_embed", take(sd, "vit.embeddings.position_embeddings", file));
        out.put("patch_embed.proj.weight", take(sd, "vit.embeddings.patch_embeddings.projection.weight", file));
        out.put("patch_embed.proj.bias", take(sd, "vit.embeddings.patch_embeddings.projection.bias", file));
        for (int i = 0; sd.containsKey("vit.encoder.layer." + i + ".layernorm_before.weight"); i++) {
            String h = "vit.encoder.layer." + i + ".", t = "blocks." + i + ".";
            out.put(t + "norm1.weight", take(sd, h + "layernorm_before.weight", file));
            out.put(t + "norm1.bias", take(sd, h + "layernorm_before.bias", file));
            for (String kind : new String[] {"weight", "bias"}) {
                INDArray q = take(sd, h + "attention.attention.query." + kind, file);
                INDArray k = take(sd, h + "attention.attention.key." + kind, file);
                INDArray v = take(sd, h + "attention.attention.value." + kind, file);
                if (q.rank() == 0 || !Arrays.equals(q.shape(), k.shape()) || !Arrays.equals(q.shape(), v.shape()))
                    throw new WeightFileException(file, "Hugging Face ViT layer " + i + ": query, key and value " + kind + "s must share one shape but are "
                            + Arrays.toString(q.shape()) + ", " + Arrays.toString(k.shape()) + " and " + Arrays.toString(v.shape()));
                out.put(t + "attn.qkv." + kind, Nd4j.concat(0, q, k, v));                  // rows q, k, v: (3·D, D) / (3·D)
            }
            out.put(t + "attn.proj.weight", take(sd, h + "attention.output.dense.weight", file));
            out.put(t + "attn.proj.bias", take(sd, h + "attention.output.dense.bias", file));
            out.put(t + "norm2.weight", take(sd, h + "layernorm_after.weight", file));
            out.put(t + "norm2.bias", take(sd, h + "layernorm_after.bias", file));
            out.put(t + "mlp.fc1.weight", take(sd, h + "intermediate.dense.weight", file));
            out.put(t + "mlp.fc1.bias", take(sd, h + "intermediate.dense.bias", file));
            out.put(t + "mlp.fc2.weight", take(sd, h + "output.dense.weight", file));
            out.put(t + "mlp.fc2.bias", take(sd, h + "output.dense.bias", file));
        }
        out.put("norm.weight", take(sd, "vit.layernorm.weight", file));
        out.put("norm.bias", take(sd, "vit.layernorm.bias", file));
        if (sd.containsKey("classifier.weight")) {
            out.put("head.weight", take(sd, "classifier.weight", file));
            out.put("head.bias", take(sd, "classifier.bias", file));
        }
        return out;
    }

    private static INDArray take(Map<String, INDArray> sd, String name, Path file) throws WeightFileException {
        INDArray a = sd.get(name);
        if (a == null) throw new WeightFileException(file, "Hugging Face ViT checkpoint lacks '" + name + "'");
        return a;
    }
}
