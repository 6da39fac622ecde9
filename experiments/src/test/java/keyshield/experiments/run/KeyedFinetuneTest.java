package keyshield.experiments.run;

import keyshield.defense.BlockShuffle;
import keyshield.defense.KeyFile;
import keyshield.defense.SecretKey;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.eval.Accuracy;
import keyshield.lora.AdapterFiles;
import keyshield.lora.LoraConfig;
import keyshield.lora.ParameterCounts;
import keyshield.nn.Sequential;
import keyshield.tensor.Rng;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link KeyedFinetune}: validation, JSON, and tiny runs whose exported plain ViT file, with the key,
 * reproduces the reported clean accuracy, for LoRA (merged) and full fine-tuning.
 */
class KeyedFinetuneTest {
    @TempDir Path dir;

    @Test
    void presetsRoundTripThroughJson() throws Exception {
        for (Tuning t : Tuning.values()) assertThat(TinyWorld.roundTrip(dir, KeyedFinetune.cifar(Path.of("../shared"), t), Experiment.class))
                .isEqualTo(KeyedFinetune.cifar(Path.of("../shared"), t));
        KeyedFinetune withFile = withKey(KeyedFinetune.cifar(Path.of("s"), Tuning.LORA), new KeySource.FromFile(Path.of("k.key")));
        assertThat(TinyWorld.roundTrip(dir, withFile, Experiment.class)).isEqualTo(withFile);
        assertThat(withFile.adapterDir()).isEqualTo(Path.of("results", "vit_cifar_m4_lora.adapter"));
    }

    @Test
    void refusesBadFieldsNamingThem() {
        KeyedFinetune f = KeyedFinetune.cifar(Path.of("s"), Tuning.LORA);
        assertThatThrownBy(() -> withKey(f, new KeySource.None())).hasMessageContaining("key must be a key file or a seeded key");
        assertThatThrownBy(() -> new KeySource.Seeded(0, 1)).hasMessageContaining("blockSize must be at least 1 but is 0");
        assertThatThrownBy(() -> new KeyedFinetune(f.name(), f.data(), f.base(), f.key(), Tuning.LORA, f.recipe(), null, 0, 0, 1, 1, 0, f.weights()))
                .hasMessageContaining("lora must be given for LORA");
        assertThatThrownBy(() -> new KeyedFinetune(f.name(), f.data(), f.base(), f.key(), Tuning.FULL, f.recipe(), f.lora(), 0, 0, 1, 1, 0, f.weights()))
                .hasMessageContaining("lora must be absent (null) for FULL");
        assertThatThrownBy(() -> new KeyedFinetune(f.name(), f.data(), null, f.key(), f.tuning(), f.recipe(), f.lora(), 0, 0, 1, 1, 0, f.weights()))
                .hasMessageContaining("base must be given");
        assertThatThrownBy(() -> new KeyedFinetune(f.name(), f.data(), f.base(), f.key(), f.tuning(), f.recipe(), f.lora(), 0, -1, 1, 1, 0, f.weights()))
                .hasMessageContaining("testImages");
        assertThatThrownBy(() -> new KeyedFinetune(f.name(), f.data(), f.base(), f.key(), f.tuning(), f.recipe(), f.lora(), 0, 0, 1, 0, 0, f.weights()))
                .hasMessageContaining("checkpointEvery");
        assertThatThrownBy(() -> new KeyedFinetune(f.name(), f.data(), f.base(), f.key(), f.tuning(), f.recipe(), f.lora(), 0, 0, 1, 1, 0, Path.of("w.npz")))
                .hasMessageContaining("weights must name a .safetensors file but is w.npz");
    }

    @Test
    void loraWithAKeyFileExportsAMergedPlainViTThatReproducesTheAccuracy() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        SecretKey key = SecretKey.generate(4, 3, new SecureRandom());
        Path keyFile = dir.resolve("device.key");
        KeyFile.write(keyFile, key);
        LoraConfig lora = LoraConfig.paper(4);
        KeyedFinetune f = new KeyedFinetune("tiny-lora", w.data(), w.base(), new KeySource.FromFile(keyFile), Tuning.LORA, TinyWorld.recipe(0.5), lora,
                0, 0, 50, 5, 9, dir.resolve("out/lora.safetensors"));
        Path json = dir.resolve("lora.json");
        KeyedFinetuneRun.Result r = (KeyedFinetuneRun.Result) Runner.run(f, dir.resolve("run"), false, json, TinyWorld.sink()).result();

        assertThat(r.training().keyFingerprint()).isEqualTo(key.fingerprint());
        assertThat(r.provenance().keyFingerprints()).containsExactly(key.fingerprint());
        assertThat(r.training().trainable()).isEqualTo(ParameterCounts.lora(TinyWorld.VIT, lora).trainable());
        assertThat(Safetensors.read(f.weights()).keySet()).as("a plain timm ViT: no adapter tensors")
                .isEqualTo(new VisionTransformer(TinyWorld.VIT, Rng.seeded(0)).stateDict().keySet());

        Dataset test = w.data().open(Split.TEST);
        VisionTransformer merged = ViTWeights.load(f.weights(), OptionalInt.of(2), DataType.FLOAT);
        Accuracy.Result viaMerged = Accuracy.of(keyed(KeyFile.read(keyFile), merged), test, 25, done -> { });
        assertThat(viaMerged.percent()).isEqualTo(r.clean());

        AdapterFiles.Adapter adapter = AdapterFiles.read(r.files().adapter());             // the adapter alone, on the pre-trained base
        assertThat(adapter.keyFingerprint()).isEqualTo(Optional.of(key.fingerprint()));
        VisionTransformer base = w.base().load();
        AdapterFiles.applyTo(base, adapter);
        assertThat(Accuracy.of(keyed(key, base), test, 25, done -> { }).predictions()).isEqualTo(viaMerged.predictions());

        String material = Files.readAllLines(keyFile).get(4).substring("material ".length());
        for (Path root : List.of(dir.resolve("run"), dir.resolve("out"), json)) requireAbsent(material, root);
    }

    @Test
    void fullWithASeededKeyUsesTableOnesKeyAndResumesWithoutRecomputing() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        KeyedFinetune f = new KeyedFinetune("tiny-full", w.data(), w.base(), new KeySource.Seeded(4, 11), Tuning.FULL, TinyWorld.recipe(0.25), null,
                0, 0, 50, 5, 11, dir.resolve("out/full.safetensors"));
        Path run = dir.resolve("run");
        KeyedFinetuneRun.Result r = (KeyedFinetuneRun.Result) Runner.run(f, run, false, dir.resolve("full.json"), TinyWorld.sink()).result();
        SecretKey tableKey = SecretKey.fromSeed(Rng.seeded(11).split("key", 4).nextLong(), 4, 3);    // TableOne's key for M = 4, seed 11
        assertThat(r.training().keyFingerprint()).isEqualTo(tableKey.fingerprint());
        assertThat(r.training().trainable()).isEqualTo(TinyWorld.VIT.parameterCount());
        assertThat(r.files().adapter()).isNull();
        assertThat(f.adapterDir()).doesNotExist();
        VisionTransformer vit = ViTWeights.load(f.weights(), OptionalInt.of(2), DataType.FLOAT);
        assertThat(Accuracy.of(keyed(tableKey, vit), w.data().open(Split.TEST), 25, done -> { }).percent()).isEqualTo(r.clean());

        var before = TinyWorld.work(run);
        KeyedFinetuneRun.Result again = (KeyedFinetuneRun.Result) Runner.run(f, run, true, dir.resolve("again.json"), TinyWorld.sink()).result();
        assertThat(again.clean()).isEqualTo(r.clean());
        assertThat(again.training()).isEqualTo(r.training());
        assertThat(again.markdown()).isEqualTo(r.markdown());
        assertThat(TinyWorld.work(run)).isEqualTo(before);
    }

    /** The deployed pipeline t_K → normalize → ViT, built by hand. */
    private static Sequential keyed(SecretKey key, VisionTransformer vit) { return new Sequential(new BlockShuffle(key).asModule(), Normalization.half(3).module(), vit); }

    private static KeyedFinetune withKey(KeyedFinetune f, KeySource key) {
        return new KeyedFinetune(f.name(), f.data(), f.base(), key, f.tuning(), f.recipe(), f.lora(), f.trainImages(), f.testImages(), f.evalBatch(),
                f.checkpointEvery(), f.seed(), f.weights());
    }

    /** No file below {@code root} holds {@code secret} (read as bytes, so binary files count too). */
    private static void requireAbsent(String secret, Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator)
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("key material in " + f).doesNotContain(secret);
        }
    }
}
