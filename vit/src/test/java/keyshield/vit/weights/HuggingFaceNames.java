package keyshield.vit.weights;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.Map;

/** The inverse of {@link HfNames}, for tests: a timm state dict under Hugging Face names, its fused qkv split back into query, key and value. */
final class HuggingFaceNames {
    private HuggingFaceNames() {}

    static LinkedHashMap<String, INDArray> of(Map<String, INDArray> timm) {
        LinkedHashMap<String, INDArray> hf = new LinkedHashMap<>();
        hf.put("vit.embeddings.cls_token", timm.get("cls_token"));
        hf.put("vit.embeddings.position_embeddings", timm.get("pos_embed"));
        hf.put("vit.embeddings.patch_embeddings.projection.weight", timm.get("patch_embed.proj.weight"));
        hf.put("vit.embeddings.patch_embeddings.projection.bias", timm.get("patch_embed.proj.bias"));
        for (int i = 0; timm.containsKey("blocks." + i + ".norm1.weight"); i++) {
            String h = "vit.encoder.layer." + i + ".", t = "blocks." + i + ".";
            hf.put(h + "layernorm_before.weight", timm.get(t + "norm1.weight"));
            hf.put(h + "layernorm_before.bias", timm.get(t + "norm1.bias"));
            INDArray w = timm.get(t + "attn.qkv.weight"), b = timm.get(t + "attn.qkv.bias");   // (3·D, D), (3·D)
            long d = w.size(1);
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                hf.put(h + "attention.attention." + parts[k] + ".weight", w.get(NDArrayIndex.interval(d * k, d * (k + 1)), NDArrayIndex.all()).dup());
                hf.put(h + "attention.attention." + parts[k] + ".bias", b.get(NDArrayIndex.interval(d * k, d * (k + 1))).dup());
            }
            hf.put(h + "attention.output.dense.weight", timm.get(t + "attn.proj.weight"));
            hf.put(h + "attention.output.dense.bias", timm.get(t + "attn.proj.bias"));
            hf.put(h + "layernorm_after.weight", timm.get(t + "norm2.weight"));
            hf.put(h + "layernorm_after.bias", timm.get(t + "norm2.bias"));
            hf.put(h + "intermediate.dense.weight", timm.get(t + "mlp.fc1.weight"));
            hf.put(h + "intermediate.dense.bias", timm.get(t + "mlp.fc1.bias"));
            hf.put(h + "output.dense.weight", timm.get(t + "mlp.fc2.weight"));
            hf.put(h + "output.dense.bias", timm.get(t + "mlp.fc2.bias"));
        }
        hf.put("vit.layernorm.weight", timm.get("norm.weight"));
        hf.put("vit.layernorm.bias", timm.get("norm.bias"));
        hf.put("classifier.weight", timm.get("head.weight"));
        hf.put("classifier.bias", timm.get("head.bias"));
        return hf;
    }
}
