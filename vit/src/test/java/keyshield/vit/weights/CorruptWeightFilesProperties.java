package keyshield.vit.weights;

import keyshield.tensor.Golden;
import keyshield.tensor.Rng;
import keyshield.vit.VisionTransformer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random truncations and byte flips of the golden weight files give either a loaded model or a
 * {@link WeightFileException} naming the file; never another exception, a hang or a half-built model.
 */
class CorruptWeightFilesProperties {
    private static final String[] FILES = {"vit_micro.safetensors", "vit_micro.onnx", "vit_micro_folded.onnx"};

    @Property(tries = 60)
    void corruptFilesLoadOrFailClearly(@ForAll @IntRange(min = 0, max = 2) int which, @ForAll boolean truncate,
                                       @ForAll @IntRange(min = 1, max = 8) int flips, @ForAll long seed) throws IOException {
        byte[] bytes = Files.readAllBytes(Golden.file(FILES[which]));
        Rng rng = Rng.seeded(seed);
        byte[] bad;
        if (truncate) {
            bad = Arrays.copyOf(bytes, rng.nextInt(bytes.length));
        } else {
            bad = bytes.clone();
            for (int i = 0; i < flips; i++) {
                // half of the flips land in the first 4 KB, where headers and graph structure live
                int at = rng.nextInt(2) == 0 ? rng.nextInt(Math.min(4096, bad.length)) : rng.nextInt(bad.length);
                bad[at] ^= (byte) (1 << rng.nextInt(8));
            }
        }
        Path dir = Files.createTempDirectory("corrupt");
        Path f = dir.resolve(FILES[which]);
        Files.write(f, bad);
        try {
            VisionTransformer vit = ViTWeights.load(f, OptionalInt.of(3), DataType.FLOAT);
            assertThat(vit.parameterCount()).isEqualTo(62_650);
        } catch (WeightFileException e) {
            assertThat(e.getMessage()).contains(FILES[which]);
        } finally {
            Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        }
    }
}
