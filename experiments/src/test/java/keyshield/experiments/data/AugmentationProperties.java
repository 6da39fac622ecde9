package keyshield.experiments.data;

import keyshield.tensor.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invariants of the augmentations on random images. */
class AugmentationProperties {
    static float[] image(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(256) / 255f;
        return x;
    }

    @Property(tries = 30)
    void flipTwiceIsIdentity(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int c,
                             @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w) {
        float[] x = image(seed, 2 + c * h * w), y = x.clone();              // offset 2: works inside a batch buffer
        HorizontalFlip.flip(y, 2, c, h, w);
        if (w > 1) assertThat(y[2 + w - 1]).isEqualTo(x[2]);
        HorizontalFlip.flip(y, 2, c, h, w);
        assertThat(y).isEqualTo(x);
    }

    @Property(tries = 30)
    void cropWithZeroPaddingOrCenteredWindowIsIdentity(@ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int pad) {
        float[] x = image(seed, 3 * 8 * 8), y = x.clone();
        new RandomCrop(0, RandomCrop.Fill.REFLECT).apply(y, 0, 3, 8, 8, Rng.seeded(seed));
        assertThat(y).isEqualTo(x);
        new RandomCrop(pad, RandomCrop.Fill.REFLECT).crop(y, 0, 3, 8, 8, pad, pad);
        assertThat(y).isEqualTo(x);
    }

    @Property(tries = 30)
    void cropShiftsTheImageAndReflectsAtTheBorder(@ForAll long seed, @ForAll @IntRange(min = 0, max = 8) int top,
                                                  @ForAll @IntRange(min = 0, max = 8) int left) {
        int h = 7, w = 9, pad = 4;
        float[] x = image(seed, 2 * h * w), y = x.clone(), z = x.clone();
        new RandomCrop(pad, RandomCrop.Fill.REFLECT).crop(y, 0, 2, h, w, top, left);
        new RandomCrop(pad, RandomCrop.Fill.ZERO).crop(z, 0, 2, h, w, top, left);
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) {
                    int si = i + top - pad, sj = j + left - pad;
                    boolean inside = si >= 0 && si < h && sj >= 0 && sj < w;
                    int ri = si < 0 ? -si : si >= h ? 2 * (h - 1) - si : si, rj = sj < 0 ? -sj : sj >= w ? 2 * (w - 1) - sj : sj;
                    assertThat(y[(c * h + i) * w + j]).isEqualTo(x[(c * h + ri) * w + rj]);
                    assertThat(z[(c * h + i) * w + j]).isEqualTo(inside ? x[(c * h + si) * w + sj] : 0f);
                }
    }

    @Property(tries = 30)
    void cifarRecipeKeepsValuesInUnitRangeAndIsSeeded(@ForAll long seed) {
        float[] x = image(seed, 3 * 32 * 32), a = x.clone(), b = x.clone();
        Rng ra = Rng.seeded(seed), rb = Rng.seeded(seed);
        for (Augmentation aug : Augmentation.cifar()) aug.apply(a, 0, 3, 32, 32, ra);
        for (Augmentation aug : Augmentation.cifar()) aug.apply(b, 0, 3, 32, 32, rb);
        assertThat(a).isEqualTo(b);
        for (float v : a) assertThat(v).isBetween(0f, 1f);
        float[] sortedX = x.clone(), sortedA = a.clone();                 // a crop only moves and mirrors values
        Arrays.sort(sortedX);
        Arrays.sort(sortedA);
        assertThat(sortedA[0]).isGreaterThanOrEqualTo(sortedX[0]);
        assertThat(sortedA[sortedA.length - 1]).isLessThanOrEqualTo(sortedX[sortedX.length - 1]);
    }

    @Test
    void flipProbabilityIsHonoured() {
        Rng rng = Rng.seeded(3);
        float[] x = image(1, 4), y = x.clone();
        int flips = 0;
        for (int t = 0; t < 2000; t++) {
            System.arraycopy(x, 0, y, 0, 4);
            new HorizontalFlip(0.5).apply(y, 0, 1, 1, 4, rng);
            if (!Arrays.equals(x, y)) flips++;
        }
        assertThat(flips).isBetween(900, 1100);
        System.arraycopy(x, 0, y, 0, 4);
        new HorizontalFlip(0.0).apply(y, 0, 1, 1, 4, rng);
        assertThat(y).isEqualTo(x);
    }

    @Test
    void badParametersAreRejected() {
        assertThatThrownBy(() -> new RandomCrop(-1, RandomCrop.Fill.ZERO)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new HorizontalFlip(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> new RandomCrop(4, RandomCrop.Fill.REFLECT).crop(new float[16], 0, 1, 4, 4, 0, 0))
                .hasMessageContaining("4×4");
    }
}
