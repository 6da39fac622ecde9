package keyshield.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import keyshield.tensor.Rng;
import keyshield.tensor.io.AtomicFiles;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An adapter alone, as peft's {@code save_pretrained} lays it out: a directory with
 * {@code adapter_model.safetensors} (A, B and kept modules) and {@code adapter_config.json} (peft's fields
 * {@code peft_type, r, lora_alpha, lora_dropout, target_modules, modules_to_save, init_lora_weights, bias},
 * plus a {@code keyshield} object with the qkv mode and the key fingerprint the adapter belongs to). Both
 * files are written atomically. The base model is not saved: an adapter is a few MB, the base 330 MB.
 *
 * <p>Tensor names: {@link NameStyle#IN_MODEL} (the default) writes peft's in-model names
 * ({@code base_model.model.blocks.0.attn.qkv.lora_A.default.weight}, {@code …head.modules_to_save.default.weight}),
 * as the golden fixtures; {@link NameStyle#PEFT_FILE} writes what {@code PeftModel.from_pretrained} expects
 * ({@code ….lora_A.weight}, {@code base_model.model.head.weight}). Reading accepts both. Target patterns with
 * {@code *} are our glob syntax: peft reads a list of names by suffix, so write {@code qkv} rather than
 * {@code blocks.*.attn.qkv} for a file peft should load.
 */
public final class AdapterFiles {
    public static final String TENSORS = "adapter_model.safetensors", CONFIG = "adapter_config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AdapterFiles() {}

    /** Which peft names the tensors are written under. */
    public enum NameStyle { IN_MODEL, PEFT_FILE }

    /** An adapter read from disk: its config, its tensors by peft name, and the key it belongs to, if recorded. */
    public record Adapter(LoraConfig config, LinkedHashMap<String, INDArray> tensors, Optional<String> keyFingerprint) {}

    /** Writes {@code lora}'s adapter state to {@code dir} with in-model names; {@code keyFingerprint} may be null. */
    public static void write(Path dir, LoraModel lora, String keyFingerprint) throws IOException { write(dir, lora, keyFingerprint, NameStyle.IN_MODEL); }

    public static void write(Path dir, LoraModel lora, String keyFingerprint, NameStyle style) throws IOException {
        LinkedHashMap<String, INDArray> tensors = new LinkedHashMap<>();
        lora.trainableParameters().forEach((n, p) -> tensors.put(style == NameStyle.IN_MODEL ? lora.peftName(n) : lora.savedFileName(n), p.data()));
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(TENSORS), tensors, Map.of("format", "pt"));
        byte[] json = JSON.writeValueAsBytes(configJson(lora.config(), keyFingerprint));
        AtomicFiles.write(dir.resolve(CONFIG), out -> out.write(json));
    }

    /** Reads an adapter directory; a missing or malformed file is an IOException naming it and the field. */
    public static Adapter read(Path dir) throws IOException {
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) throw new IOException(cfgFile + ": no adapter config (expected " + CONFIG + " beside " + TENSORS + ")");
        JsonNode root;
        try {
            root = JSON.readTree(cfgFile.toFile());
        } catch (IOException e) {
            throw new IOException(cfgFile + ": not valid JSON: " + e.getMessage(), e);
        }
        LoraConfig config;
        Optional<String> fingerprint;
        try {
            config = parseConfig(root);
            JsonNode fp = root.path("keyshield").path("key_fingerprint");
            fingerprint = fp.isTextual() ? Optional.of(fp.asText()) : Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new IOException(cfgFile + ": " + e.getMessage(), e);
        }
        return new Adapter(config, Safetensors.read(dir.resolve(TENSORS)), fingerprint);
    }

    /** Applies {@code adapter}'s config to a fresh base model and loads its tensors. */
    public static LoraModel applyTo(VisionTransformer base, Adapter adapter) {
        LoraModel lora = Lora.apply(base, adapter.config(), Rng.seeded(0));        // the initial values are overwritten
        lora.loadAdapterState(adapter.tensors());
        return lora;
    }

    static ObjectNode configJson(LoraConfig c, String keyFingerprint) {
        ObjectNode root = JSON.createObjectNode();
        root.put("peft_type", "LORA");
        root.put("r", c.r());
        root.put("lora_alpha", c.alpha());
        root.put("lora_dropout", c.dropout());
        ArrayNode targets = root.putArray("target_modules");
        c.targetModules().forEach(targets::add);
        if (c.modulesToSave().isEmpty()) root.putNull("modules_to_save");
        else c.modulesToSave().forEach(root.putArray("modules_to_save")::add);
        switch (c.init()) {
            case KAIMING_UNIFORM -> root.put("init_lora_weights", true);
            case GAUSSIAN -> root.put("init_lora_weights", "gaussian");
            case RANDOM -> root.put("init_lora_weights", false);
        }
        root.put("bias", "none");
        root.put("fan_in_fan_out", false);
        ObjectNode ours = root.putObject("keyshield");
        ours.put("qkv_mode", c.qkvMode().name());
        if (keyFingerprint != null) ours.put("key_fingerprint", keyFingerprint);
        return root;
    }

    static LoraConfig parseConfig(JsonNode root) {
        if (!root.isObject()) throw new IllegalArgumentException("the adapter config is not a JSON object");
        if (root.has("peft_type") && !"LORA".equals(root.get("peft_type").asText()))
            throw new IllegalArgumentException("peft_type is " + root.get("peft_type") + "; only LORA adapters are supported");
        if (root.has("bias") && !"none".equals(root.get("bias").asText()))
            throw new IllegalArgumentException("bias is " + root.get("bias") + "; only \"none\" is supported");
        if (root.path("use_dora").asBoolean(false)) throw new IllegalArgumentException("use_dora is true; DoRA is not supported");
        JsonNode r = root.get("r"), alpha = root.get("lora_alpha");
        if (r == null || !r.canConvertToInt()) throw new IllegalArgumentException("field r is missing or not an integer: " + r);
        if (alpha == null || !alpha.isNumber()) throw new IllegalArgumentException("field lora_alpha is missing or not a number: " + alpha);
        double dropout = root.path("lora_dropout").asDouble(0);
        List<String> targets = strings(root.get("target_modules"), "target_modules", false);
        List<String> saved = strings(root.get("modules_to_save"), "modules_to_save", true);
        JsonNode init = root.get("init_lora_weights");
        LoraConfig.LoraInit li;
        if (init == null || (init.isBoolean() && init.asBoolean())) li = LoraConfig.LoraInit.KAIMING_UNIFORM;
        else if (init.isBoolean()) li = LoraConfig.LoraInit.RANDOM;
        else if ("gaussian".equals(init.asText())) li = LoraConfig.LoraInit.GAUSSIAN;
        else throw new IllegalArgumentException("init_lora_weights " + init + " is not supported (true, false or \"gaussian\")");
        String mode = root.path("keyshield").path("qkv_mode").asText("FUSED");
        LoraConfig.QkvMode qkv;
        try {
            qkv = LoraConfig.QkvMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("keyshield.qkv_mode '" + mode + "' is not one of FUSED, Q_V");
        }
        return new LoraConfig(r.asInt(), alpha.asDouble(), dropout, targets, saved, qkv, li);
    }

    private static List<String> strings(JsonNode node, String field, boolean nullable) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            if (nullable) return out;
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        if (node.isTextual())
            throw new IllegalArgumentException(field + " is the regular expression " + node + "; only a list of module names is supported");
        if (!node.isArray()) throw new IllegalArgumentException(field + " must be a list of module names but is " + node);
        for (JsonNode n : node) {
            if (!n.isTextual()) throw new IllegalArgumentException(field + " holds a non-string entry " + n);
            out.add(n.asText());
        }
        return out;
    }
}
