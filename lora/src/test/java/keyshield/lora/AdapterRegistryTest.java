package keyshield.lora;

import keyshield.nn.Losses;
import keyshield.nn.optim.Sgd;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import keyshield.vit.VisionTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One base, several keyed adapters: switching is exact, training stays with its key, keys never mix. */
class AdapterRegistryTest {
    @TempDir Path dir;
    final Tensor x = Tensor.constant(Tiny.images(4, 2, DataType.FLOAT));

    /** The logits of a separate base model carrying {@code state}. */
    INDArray reference(Map<String, INDArray> state) {
        LoraModel alone = Lora.apply(Tiny.vit(0, DataType.FLOAT), LoraConfig.paper(2), Rng.seeded(0));
        alone.loadAdapterState(state);
        return alone.model().forward(x).value().dup();
    }

    static Map<String, INDArray> randomAdapter(long seed) {
        return Lora.apply(Tiny.vit(seed, DataType.FLOAT), LoraConfig.paper(2).withInit(LoraConfig.LoraInit.RANDOM), Rng.seeded(seed)).adapterState();
    }

    @Test
    void switchingServesEachKeyItsOwnAdapterAndKeepsTrainingInPlace() {
        LoraModel lora = Lora.apply(Tiny.vit(0, DataType.FLOAT), LoraConfig.paper(2), Rng.seeded(0));
        Map<String, INDArray> base = new LinkedHashMap<>();
        lora.model().namedParameters().forEach((n, p) -> { if (!lora.trainableParameters().containsKey(n)) base.put(n, p.data().dup()); });
        AdapterRegistry reg = new AdapterRegistry(lora);
        Map<String, INDArray> a = randomAdapter(1), b = randomAdapter(2);
        reg.add("key-A", a);
        reg.add("key-B", b);
        assertThat(reg.fingerprints()).containsExactly("key-A", "key-B");
        assertThat(reg.active()).isEmpty();

        INDArray logitsA = reg.modelFor("key-A").forward(x).value().dup();
        assertThat(logitsA).isEqualTo(reference(a));
        INDArray logitsB = reg.modelFor("key-B").forward(x).value().dup();
        assertThat(logitsB).isEqualTo(reference(b)).isNotEqualTo(logitsA);
        assertThat(reg.modelFor("key-A").forward(x).value()).isEqualTo(logitsA);

        // train key A in place; switching away and back keeps the trained values, key B is untouched
        VisionTransformer m = reg.modelFor("key-A");
        Sgd sgd = new Sgd(lora.trainableParameters(), Sgd.Options.plain(0.1));
        try (var step = Scope.open()) {
            Losses.crossEntropy(m.forward(x), new int[] {0, 1}).backward();
            sgd.step();
        }
        INDArray trainedA = m.forward(x).value().dup();
        assertThat(trainedA).isNotEqualTo(logitsA);
        assertThat(reg.modelFor("key-B").forward(x).value()).isEqualTo(logitsB);
        assertThat(reg.modelFor("key-A").forward(x).value()).isEqualTo(trainedA);
        assertThat(reg.state("key-B")).allSatisfy((k, v) -> assertThat(v).isEqualTo(b.get(k)));
        lora.model().namedParameters().forEach((n, p) -> { if (base.containsKey(n)) assertThat(p.data()).as(n).isEqualTo(base.get(n)); });

        reg.remove("key-A");
        assertThat(reg.active()).isEmpty();
        assertThatThrownBy(() -> reg.activate("key-A")).hasMessageContaining("no adapter for key key-A; registered keys: [key-B]");
    }

    @Test
    void keysNeverMix() throws Exception {
        LoraModel lora = Lora.apply(Tiny.vit(0, DataType.FLOAT), LoraConfig.paper(2), Rng.seeded(0));
        AdapterRegistry reg = new AdapterRegistry(lora);
        reg.add("key-A", randomAdapter(1));
        reg.add("key-B", randomAdapter(2));
        reg.save("key-A", dir.resolve("a"));
        AdapterFiles.Adapter fileOfA = AdapterFiles.read(dir.resolve("a"));
        assertThat(fileOfA.keyFingerprint()).contains("key-A");

        assertThatThrownBy(() -> reg.add("key-C", fileOfA)).hasMessageContaining("belongs to key key-A, not to key key-C");
        assertThatThrownBy(() -> reg.add("key-B", randomAdapter(3))).hasMessageContaining("key key-B already has an adapter");
        reg.activate("key-B");
        assertThatThrownBy(() -> reg.requireActive("key-A")).hasMessageContaining("belongs to key key-B, not to key key-A");
        reg.requireActive("key-B");
        reg.remove("key-A");
        reg.add("key-A", fileOfA);                                                // its own key: accepted
        assertThat(reg.modelFor("key-A").forward(x).value()).isEqualTo(reference(fileOfA.tensors()));

        lora.merge();
        assertThatThrownBy(() -> reg.activate("key-B")).hasMessageContaining("while they are merged");
        lora.unmerge();
        LoraModel other = Lora.apply(Tiny.vit(0, DataType.FLOAT), LoraConfig.paper(4), Rng.seeded(0));
        AdapterFiles.write(dir.resolve("r4"), other, "key-D");
        assertThatThrownBy(() -> reg.add("key-D", AdapterFiles.read(dir.resolve("r4")))).hasMessageContaining("registry's model was adapted with");
    }
}
