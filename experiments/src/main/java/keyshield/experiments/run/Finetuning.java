package keyshield.experiments.run;

import keyshield.defense.SecretKey;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.train.TrainRecipe;
import keyshield.experiments.train.Trainer;
import keyshield.lora.LoraConfig;
import keyshield.tensor.Rng;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * One resumable fine-tuning stage of a run, shared by {@link TableOneRun} and {@link KeyedFinetuneRun}:
 * a fresh keyed copy of the pre-trained model ({@link KeyedModel#keyed}) is trained with the recipe,
 * checkpointing to {@code checkpoints/<stage>.safetensors} every {@code checkpointEvery} steps, and its
 * weights (adapters unmerged) are saved to {@code models/<stage>.safetensors}; the stage's result is a
 * {@link Finetuned}. An invocation that finds the stage finished only loads the weights; one that finds
 * a checkpoint continues from it, exactly (see {@link Trainer}).
 *
 * <p>The randomness of the stage is {@code root.split(stage)}: LoRA's initial A from {@code .split("lora")},
 * the batches and augmentations from {@code .split("train")}.
 *
 * @param base            the pre-trained model
 * @param key             the key the training images are transformed with
 * @param tuning          every weight, or LoRA adapters
 * @param lora            the adapters (read only for {@link Tuning#LORA})
 * @param recipe          optimizer, schedule, epochs, augmentation
 * @param checkpointEvery training steps between checkpoints
 */
record Finetuning(BaseModel base, SecretKey key, Tuning tuning, LoraConfig lora, TrainRecipe recipe, int checkpointEvery) {
    Finetuning {
        Objects.requireNonNull(base, "fine-tuning: base");
        Objects.requireNonNull(key, "fine-tuning: key");
        Objects.requireNonNull(tuning, "fine-tuning: tuning");
        Objects.requireNonNull(recipe, "fine-tuning: recipe");
        if (tuning == Tuning.LORA && lora == null) throw new IllegalArgumentException("fine-tuning: LoRA needs a LoraConfig");
    }

    /** The model stage {@code stage} trains on {@code train} (or trained in an earlier invocation), loaded from its weight file. */
    KeyedModel run(RunDir dir, String stage, Dataset train, Rng root) throws IOException {
        Rng rng = root.split(stage);
        KeyedModel model = KeyedModel.keyed(base, key, tuning, lora, rng);
        dir.stage(stage, Finetuned.class, () -> {
            Trainer.Summary s = Trainer.train(model.pipeline(), train, recipe, rng.split("train"), stage,
                    new Trainer.Checkpointing(dir.checkpoint(stage), checkpointEvery, dir::book));
            model.save(dir.model(stage), Map.of("stage", stage, "key_fingerprint", key.fingerprint()));
            return new Finetuned(stage, key.fingerprint(), s.steps(), s.finalLoss(), s.seconds(), model.trainableCount());
        });
        return model.load(dir.model(stage));
    }
}
