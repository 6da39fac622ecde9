package keyshield.tensor.io;

import keyshield.tensor.Arrays64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpzTest {
    @TempDir Path dir;

    @Test
    void roundTripKeepsDtypesShapesAndValues() throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("x", Arrays64.random(1, 2, 3, 4, 4));
        arrays.put("x32", Arrays64.random(2, 5, 3).castTo(DataType.FLOAT));
        arrays.put("y", Nd4j.createFromArray(3L, 1L, 4L));
        arrays.put("t", Arrays64.random(3, 4, 6).transpose());               // a non-contiguous view
        Path f = dir.resolve("a.npz");
        Npz.write(f, arrays);
        Map<String, INDArray> back = Npz.read(f);
        assertThat(back.keySet()).containsExactlyInAnyOrder("x", "x32", "y", "t");
        for (String k : arrays.keySet()) {
            assertThat(back.get(k).dataType()).as(k).isEqualTo(arrays.get(k).dataType());
            assertThat(back.get(k)).as(k).isEqualTo(arrays.get(k));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.npz");   // no temp file left behind
        }
    }

    @Test
    void corruptAndMissingFilesAreNamed() throws IOException {
        Path bad = dir.resolve("bad.npz");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> Npz.read(bad)).isInstanceOf(IOException.class).hasMessageContaining("bad.npz");
        assertThatThrownBy(() -> Npz.read(dir.resolve("none.npz"))).isInstanceOf(IOException.class).hasMessageContaining("none.npz");
        Path ok = dir.resolve("ok.npz");
        Npz.write(ok, Map.of("x", Nd4j.ones(2)));
        assertThatThrownBy(() -> Npz.require(Npz.read(ok), "y", ok)).hasMessageContaining("'y'").hasMessageContaining("[x]");
    }

    /** A NumPy-written archive (float32/float64 arrays, int64 labels, a rank-0 loss) reads with the values its meta file states. */
    @Test
    void readsArchivesWrittenByNumPy() throws IOException {
        Path golden = keyshield.tensor.Golden.file("vit_micro_golden.npz");
        Map<String, INDArray> a = Npz.read(golden);
        assertThat(a.get("x").shape()).containsExactly(4, 3, 32, 32);            // vit_micro_meta.json: batch 4, img 32
        assertThat(a.get("x").minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(a.get("x").maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(a.get("y").shape()).containsExactly(4);
        assertThat(a.get("logits").shape()).containsExactly(4, 10);
        assertThat(a.get("loss").rank()).isZero();
        assertThat(a.get("loss").getDouble(0)).isEqualTo(2.3685835623051785);   // vit_micro_meta.json "loss"
        assertThat(a).containsKey("grad/blocks.0.attn.qkv.weight");
    }
}
