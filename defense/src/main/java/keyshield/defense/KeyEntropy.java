package keyshield.defense;

/**
 * How large a key's search space is. The nominal key space of a block shuffle is the number of
 * permutations of K = C·M·M values, K!, i.e. log2(K!) = Σ_{k=2..K} log2 k bits (about 202.9 bits for
 * M = 4, C = 3; about 6,259 bits for M = 16, C = 3). But the permutation is derived from the key material, so
 * an attacker who enumerates materials needs at most 2^(material bits) tries: the effective entropy is
 * min(nominal, material bits), 256 for a new random key and 64 for a seeded research key.
 *
 * <p>Neither number says the defense is secure: the permutation of a fine-tuned ViT may be recovered
 * from its weights ({@link KeyRecovery}), which is what a security evaluation should measure.
 */
public record KeyEntropy(int permutationSize, double nominalBits, int materialBits, SecretKey.Origin origin) {
    public static KeyEntropy of(SecretKey key) {
        return new KeyEntropy(key.permutationSize(), log2Factorial(key.permutationSize()), key.materialBits(), key.origin());
    }

    /** min(nominal, material bits). */
    public double effectiveBits() { return Math.min(nominalBits, materialBits); }

    /** log2(n!) as a sum of logarithms (relative error about 1e-15; n up to millions). */
    public static double log2Factorial(int n) {
        if (n < 0) throw new IllegalArgumentException("log2Factorial: n must be >= 0 but is " + n);
        double s = 0;
        for (int k = 2; k <= n; k++) s += Math.log(k);
        return s / Math.log(2);
    }
}
