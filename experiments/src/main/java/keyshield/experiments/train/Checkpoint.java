package keyshield.experiments.train;

import keyshield.nn.optim.AdamW;
import keyshield.vit.weights.Safetensors;
import keyshield.vit.weights.WeightFileException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a training run needs to continue exactly where it stopped: the model's state dict
 * (parameters and buffers), AdamW's moments and step counts, the number of steps done and the smoothed
 * loss. The learning rate and the next batch follow from the step alone ({@link keyshield.nn.optim.LrSchedule}
 * and {@link keyshield.experiments.data.Batches} are functions of it), so nothing else is saved.
 *
 * <p>One safetensors file, written atomically (temp file, fsync, rename): a run killed at any moment
 * leaves the previous checkpoint or the new one on disk, never a torn one. Tensor names are
 * {@code model/<state-dict name>}, {@code exp_avg/<parameter>} and {@code exp_avg_sq/<parameter>}; the
 * counters are string metadata ({@code step}, {@code smooth_loss} as Java's exact round-trip decimal,
 * {@code adam_steps.<parameter>}, and {@code label}, the run's name, to refuse another run's file).
 *
 * @param label      the training run it belongs to
 * @param step       optimizer steps done
 * @param smoothLoss exponentially smoothed training loss after {@code step} steps (NaN before the first)
 * @param seconds    training time spent on those steps, over every invocation that contributed
 * @param model      the pipeline's state dict
 * @param optimizer  AdamW's state
 */
public record Checkpoint(String label, long step, double smoothLoss, double seconds, Map<String, INDArray> model, AdamW.State optimizer) {
    private static final String MODEL = "model/", EXP_AVG = "exp_avg/", EXP_AVG_SQ = "exp_avg_sq/", ADAM_STEPS = "adam_steps.";

    public Checkpoint {
        if (step < 0) throw new IllegalArgumentException("checkpoint '" + label + "': negative step " + step);
        model = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(model));
    }

    /** Writes the checkpoint to {@code file} atomically. */
    public void write(Path file) throws IOException {
        LinkedHashMap<String, INDArray> tensors = new LinkedHashMap<>();
        model.forEach((k, v) -> tensors.put(MODEL + k, v));
        optimizer.expAvg().forEach((k, v) -> tensors.put(EXP_AVG + k, v));
        optimizer.expAvgSq().forEach((k, v) -> tensors.put(EXP_AVG_SQ + k, v));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("label", label);
        meta.put("step", Long.toString(step));
        meta.put("smooth_loss", Double.toString(smoothLoss));
        meta.put("seconds", Double.toString(seconds));
        optimizer.steps().forEach((k, v) -> meta.put(ADAM_STEPS + k, Long.toString(v)));
        Safetensors.write(file, tensors, meta);
    }

    /** Reads a checkpoint written by {@link #write}; anything else is a {@link WeightFileException} naming the file. */
    public static Checkpoint read(Path file) throws IOException {
        Map<String, String> meta = Safetensors.metadata(file);
        LinkedHashMap<String, INDArray> tensors = Safetensors.read(file);
        String label = meta.get("label");
        if (label == null || !meta.containsKey("step") || !meta.containsKey("smooth_loss"))
            throw new WeightFileException(file, "not a training checkpoint: metadata " + meta.keySet() + " lacks label, step or smooth_loss");
        LinkedHashMap<String, INDArray> model = new LinkedHashMap<>(), m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(MODEL)) model.put(k.substring(MODEL.length()), e.getValue());
            else if (k.startsWith(EXP_AVG)) m.put(k.substring(EXP_AVG.length()), e.getValue());
            else if (k.startsWith(EXP_AVG_SQ)) v.put(k.substring(EXP_AVG_SQ.length()), e.getValue());
            else throw new WeightFileException(file, "unexpected tensor '" + k + "' in a training checkpoint");
        }
        LinkedHashMap<String, Long> steps = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : meta.entrySet())
                if (e.getKey().startsWith(ADAM_STEPS)) steps.put(e.getKey().substring(ADAM_STEPS.length()), Long.parseLong(e.getValue()));
            return new Checkpoint(label, Long.parseLong(meta.get("step")), Double.parseDouble(meta.get("smooth_loss")),
                    Double.parseDouble(meta.getOrDefault("seconds", "0")), model,
                    new AdamW.State(m, v, steps));
        } catch (IllegalArgumentException e) {                       // NumberFormatException, or moments and counts that do not match
            throw new WeightFileException(file, "corrupt training checkpoint: " + e.getMessage());
        }
    }
}
