package keyshield.tensor.io;

/**
 * 16-bit floating-point formats found in weight files, widened exactly to float32: IEEE 754 binary16
 * ("half", F16: 1 sign, 5 exponent, 10 mantissa bits) and bfloat16 (BF16: the top 16 bits of a float32).
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** binary16 → binary32; every half value is exactly representable. */
    public static float halfToFloat(short h) {
        int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
        float v;
        if (exp == 0) v = (float) (mant * 0x1p-24);                                    // zero and subnormals
        else if (exp == 31) v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        else v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
        return sign == 1 ? -v : v;
    }

    /** bfloat16 → binary32: the 16 bits become the high half of the float. */
    public static float bfloat16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}
