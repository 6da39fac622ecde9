package keyshield.experiments.run;

import keyshield.lora.LoraConfig;
import keyshield.lora.ParameterCounts;
import keyshield.vit.ViTConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The paper's Table II: total and trainable parameters of full fine-tuning and of LoRA fine-tuning, per
 * architecture, counted from the shapes ({@link ParameterCounts}; nothing is allocated, so ViT-B costs
 * nothing). For ViT-B/16 with 1000 classes full fine-tuning trains all 86,567,656 parameters, LoRA with
 * r = 16 on every qkv and the patch embedding, head trainable, trains
 * 16·(3·16·16) + 768·16 + 12·16·(768 + 2304) + 768·1000 + 1000 = 1,383,400.
 *
 * @param name short name
 * @param rows the models counted, in table order; labels distinct
 */
public record ParamTable(String name, List<Row> rows) implements Experiment {
    /**
     * One model of the table.
     *
     * @param label  its name in the table
     * @param vit    the architecture
     * @param tuning FULL or LORA
     * @param lora   the adapters: given for LORA, absent (null) for FULL
     */
    public record Row(String label, ViTConfig vit, Tuning tuning, LoraConfig lora) {
        public Row {
            if (label == null || label.isBlank()) throw new IllegalArgumentException("ParamTable row: label must be given");
            Fields.given("ParamTable row " + label, "vit", vit);
            Fields.given("ParamTable row " + label, "tuning", tuning);
            if (tuning == Tuning.LORA && lora == null) throw new IllegalArgumentException("ParamTable row " + label + ": lora must be given for LORA tuning");
            if (tuning == Tuning.FULL && lora != null) throw new IllegalArgumentException("ParamTable row " + label + ": lora must be absent (null) for FULL tuning");
            try {
                counts(vit, tuning, lora);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ParamTable row " + label + ": lora does not fit vit: " + e.getMessage(), e);
            }
        }

        /** Total and trainable parameters; an adapter pattern that matches no module is an error naming it. */
        public ParameterCounts.Counts counts() { return counts(vit, tuning, lora); }

        private static ParameterCounts.Counts counts(ViTConfig vit, Tuning tuning, LoraConfig lora) {
            return tuning == Tuning.FULL ? ParameterCounts.full(vit) : ParameterCounts.lora(vit, lora);
        }
    }

    public ParamTable {
        String where = "ParamTable " + Fields.name("ParamTable", name);
        rows = Fields.nonEmpty(where, "rows", rows);
        Set<String> seen = new HashSet<>();
        for (Row r : rows) if (!seen.add(r.label())) throw new IllegalArgumentException(where + ": rows has the label '" + r.label() + "' twice");
    }

    /**
     * Table II and its CPU counterpart: ViT-B/16 (1000 classes) and the CIFAR ViT ({@link ViTConfig#cifar}, 10 classes),
     * each fully fine-tuned and with LoRA r 16 ({@link LoraConfig#paper}: qkv and patch embedding, head trainable).
     */
    public static ParamTable paper() {
        return new ParamTable("param-table", List.of(
                new Row("ViT-B/16 full", ViTConfig.base16(1000), Tuning.FULL, null),
                new Row("ViT-B/16 LoRA r16", ViTConfig.base16(1000), Tuning.LORA, LoraConfig.paper(16)),
                new Row("CIFAR ViT full", ViTConfig.cifar(10), Tuning.FULL, null),
                new Row("CIFAR ViT LoRA r16", ViTConfig.cifar(10), Tuning.LORA, LoraConfig.paper(16))));
    }

    /** Nothing to read: the counts come from the shapes. */
    @Override public void requireInputs() { }
}
