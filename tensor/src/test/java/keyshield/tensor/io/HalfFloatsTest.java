package keyshield.tensor.io;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Known bit patterns of binary16 and bfloat16 (IEEE 754-2008 table values). */
class HalfFloatsTest {
    @Test
    void halfValues() {
        assertThat(HalfFloats.halfToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x7BFF)).isEqualTo(65504.0f);            // largest normal
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));   // smallest subnormal
        assertThat(HalfFloats.halfToFloat((short) 0x0400)).isEqualTo((float) Math.pow(2, -14));   // smallest normal
        assertThat(HalfFloats.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(HalfFloats.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0x7E00)).isNaN();
        assertThat(1 / HalfFloats.halfToFloat((short) 0x8000)).isEqualTo(Float.NEGATIVE_INFINITY);   // −0
    }

    @Test
    void bfloat16Values() {
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0xC0A0)).isEqualTo(-5.0f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x3EAB)).isEqualTo(0.333984375f);
    }
}
