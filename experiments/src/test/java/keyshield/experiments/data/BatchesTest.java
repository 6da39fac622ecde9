package keyshield.experiments.data;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Seeded, thread-timing-independent batching; augmentation per batch; the decode cache across epochs. */
class BatchesTest {
    @TempDir Path tmp;

    static Dataset random(int n, int classes) {
        Random r = new Random(5);
        byte[] px = new byte[n * 3 * 8 * 8];
        r.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % classes;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) names.add("c" + c);
        return Dataset.ofBytes("random", px, 3, 8, 8, labels, names);
    }

    record Seen(int[] positions, int[] labels, float[] images) {}

    static List<Seen> epoch(Dataset d, Batches.Options o, long seed, int e) {
        List<Seen> out = new ArrayList<>();
        try (Batches b = new Batches(d, o, Rng.seeded(seed)); var epoch = b.epoch(e)) {
            for (Batch batch : epoch)
                try (batch) {
                    assertThat(batch.images().shape()).containsExactly(batch.size(), 3, d.height(), d.width());
                    out.add(new Seen(batch.positions(), batch.labels(), batch.images().data().asFloat()));
                }
        }
        return out;
    }

    static void assertSame(List<Seen> a, List<Seen> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).positions()).isEqualTo(b.get(i).positions());
            assertThat(a.get(i).labels()).isEqualTo(b.get(i).labels());
            assertThat(a.get(i).images()).isEqualTo(b.get(i).images());
        }
    }

    @Test
    void sameSeedSameBatchesWhateverThePrefetchAndThreads() {
        Dataset d = random(53, 4);
        Batches.Options o = Batches.Options.train(8, Augmentation.cifar());
        List<Seen> sync = epoch(d, o.withPrefetch(0, 1), 11, 2);
        assertSame(sync, epoch(d, o, 11, 2));
        assertSame(sync, epoch(d, o.withPrefetch(3, 2), 11, 2));
        assertThat(sync).hasSize(7);
        assertThat(sync.get(6).positions()).hasSize(5);
        int[] all = sync.stream().flatMapToInt(s -> Arrays.stream(s.positions())).sorted().toArray();
        assertThat(all).isEqualTo(Dataset.identity(53));                 // every image exactly once
        for (Seen s : sync) assertThat(s.labels()).isEqualTo(d.labels(s.positions()));
    }

    @Test
    void differentSeedOrEpochGivesADifferentOrder() {
        Dataset d = random(40, 4);
        Batches.Options o = Batches.Options.train(10, List.of());
        int[] a = epoch(d, o, 1, 0).get(0).positions();
        assertThat(epoch(d, o, 1, 0).get(0).positions()).isEqualTo(a);
        assertThat(epoch(d, o, 2, 0).get(0).positions()).isNotEqualTo(a);
        assertThat(epoch(d, o, 1, 1).get(0).positions()).isNotEqualTo(a);
    }

    @Test
    void augmentationsDifferBetweenBatchesButUnaugmentedEvalIsThePlainData() {
        Dataset d = random(16, 2);
        List<Seen> plain = epoch(d, Batches.Options.eval(16), 1, 0);
        assertThat(plain.get(0).positions()).isEqualTo(Dataset.identity(16));
        assertThat(plain.get(0).images()).isEqualTo(d.images().data().asFloat());
        Batches.Options flipAll = new Batches.Options(16, false, false, List.of(new HorizontalFlip(1.0)), 2, 1);
        float[] flipped = epoch(d, flipAll, 1, 0).get(0).images();
        HorizontalFlip.flip(flipped, 0, 16 * 3, 8, 8);
        assertThat(flipped).isEqualTo(plain.get(0).images());
        Batches.Options crop = new Batches.Options(16, false, false, List.of(new RandomCrop(2, RandomCrop.Fill.REFLECT)), 2, 1);
        assertThat(epoch(d, crop, 1, 0).get(0).images()).isNotEqualTo(epoch(d, crop, 1, 1).get(0).images());
    }

    @Test
    void resumingMidEpochGivesTheRemainingBatchesOfAFullRun() {
        Dataset d = random(30, 3);
        Batches.Options o = Batches.Options.train(4, Augmentation.cifar());
        List<Seen> full = epoch(d, o, 9, 3);
        List<Seen> rest = new ArrayList<>();
        try (Batches b = new Batches(d, o, Rng.seeded(9)); var epoch = b.epoch(3, 5)) {
            for (Batch batch : epoch) rest.add(new Seen(batch.positions(), batch.labels(), batch.images().data().asFloat()));
        }
        assertSame(full.subList(5, full.size()), rest);
        try (Batches b = new Batches(d, o, Rng.seeded(9)); Batch one = b.batch(3, 6)) {
            assertThat(one.images().data().asFloat()).isEqualTo(full.get(6).images());
        }
    }

    @Test
    void dropLastAndEarlyCloseAndBadArguments() {
        Dataset d = random(10, 2);
        Batches.Options o = new Batches.Options(4, true, true, List.of(), 2, 1);
        assertThat(epoch(d, o, 1, 0)).hasSize(2);
        try (Batches b = new Batches(d, o, Rng.seeded(1)); var epoch = b.epoch(0)) {
            epoch.next();
            epoch.close();
            assertThat(epoch.hasNext()).isFalse();
            assertThatThrownBy(() -> b.epoch(0, 3)).hasMessageContaining("[0, 2]");
        }
        assertThatThrownBy(() -> new Batches.Options(0, true, true, List.of(), 2, 1)).hasMessageContaining("batchSize");
    }

    @Test
    void batchesAreUsableInsideAndAfterACallersScope() {
        Dataset d = random(8, 2);
        try (Batches b = new Batches(d, Batches.Options.eval(4), Rng.seeded(1))) {
            Batch kept;
            double inside;
            try (Scope step = Scope.open(); var epoch = b.epoch(0)) {
                kept = epoch.next();
                INDArray sum = kept.images().sum();                         // a scope array
                inside = sum.getDouble(0);
            }
            assertThat(kept.images().isAttached()).isFalse();
            assertThat(kept.images().sumNumber().doubleValue()).isEqualTo(inside, org.assertj.core.api.Assertions.within(1e-3));
            kept.close();
        }
    }

    @Test
    void secondEpochOverAFolderDecodesNothing() throws IOException {
        Path split = tmp.resolve("train");
        for (int i = 0; i < 12; i++) ImageFolderTest.write(split.resolve("c" + (i % 3) + "/" + i + ".png"), 32, 32, i);
        Dataset d = ImageFolder.open(split, Preprocess.cifar());
        Batches.Options o = Batches.Options.train(5, Augmentation.cifar());
        try (Batches b = new Batches(d, o, Rng.seeded(4))) {
            for (int e = 0; e < 2; e++)
                try (var epoch = b.epoch(e)) {
                    for (Batch batch : epoch) batch.close();
                }
        }
        assertThat(d.decodes()).isEqualTo(12);
        Dataset uncached = ImageFolder.open(split, Preprocess.cifar(), 0);
        epoch(uncached, o, 4, 0);
        epoch(uncached, o, 4, 1);
        assertThat(uncached.decodes()).isEqualTo(24);
        assertThat(Nd4j.create(epoch(uncached, o, 4, 1).get(0).images())).isEqualTo(Nd4j.create(epoch(d, o, 4, 1).get(0).images()));
    }

    @Test
    void closingTheBatchesNeverLeavesAConsumerWaiting() {
        Dataset d = random(200, 2);
        Batches b = new Batches(d, Batches.Options.train(1, Augmentation.cifar()).withPrefetch(4, 1), Rng.seeded(2));
        var epoch = b.epoch(0);
        b.close();
        assertThatThrownBy(() -> b.epoch(1)).hasMessageContaining("closed");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            int served = 0, cancelled = 0;
            while (epoch.hasNext()) {
                try {
                    epoch.next().close();
                    served++;
                } catch (IllegalStateException e) {
                    assertThat(e).hasMessageContaining("closed");
                    cancelled++;
                }
            }
            assertThat(served).isZero();
            assertThat(cancelled).isEqualTo(200);
        });
    }
}
