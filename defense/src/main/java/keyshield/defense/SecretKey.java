package keyshield.defense;

import keyshield.tensor.ShapeException;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret of a keyed defense: key material plus the block size M and channel count C it is used
 * with (the permutation acts on blocks of C·M·M values). Immutable; the material never leaves this
 * package except through a key file ({@link KeyFile}), and {@link #toString()} shows only the
 * {@link #fingerprint()}, the one thing about a key that may be logged or written into results.
 *
 * <h2>From key to permutation (stable across versions)</h2>
 * For a purpose label (e.g. {@code "keyshield-permutation-v1"}) the generator is
 * <pre>
 *   d = SHA-256(material ‖ UTF-8(label) ‖ int32BE(M) ‖ int32BE(C))
 *   rng = RandomSource.XO_RO_SHI_RO_128_PP seeded with the long[] {d[0..8), d[8..16)} (big-endian)
 * </pre>
 * and the permutation is Durstenfeld's Fisher–Yates shuffle of the identity, descending:
 * for i = K−1 … 1, j = bounded(i + 1), swap p[i] and p[j], with K = C·M·M. {@code bounded(n)} is
 * Lemire's unbiased multiply-and-reject on 32 bits: r = nextLong() >>> 32, m = r·n; reject while
 * (m mod 2³²) &lt; (2³² − n) mod n; return m >>> 32. Only the generator's raw {@code nextLong()} stream
 * is used, so a key file means the same permutation in every version; {@code SecretKeyTest} pins one.
 *
 * <h2>Entropy</h2>
 * New keys carry 256 bits from {@link SecureRandom}. Seeded keys ({@link #fromSeed}) are for
 * reproducible research: their material is the 8 bytes of the seed, so they have at most 64 bits of
 * entropy whatever the nominal key space (see {@link KeyEntropy}).
 */
public final class SecretKey {
    /** Where the material came from; decides the effective entropy. */
    public enum Origin { RANDOM, SEED }

    /** Bytes of material of a new random key (256 bits). */
    public static final int RANDOM_BYTES = 32;
    /** The smallest random material accepted from a key file (128 bits). */
    public static final int MIN_RANDOM_BYTES = 16;

    private final byte[] material;
    private final int blockSize, channels;
    private final Origin origin;
    private volatile int[] permutation;                                      // derived lazily, then cached

    SecretKey(byte[] material, int blockSize, int channels, Origin origin) {
        if (blockSize < 1) throw new IllegalArgumentException("key: block size must be at least 1 but is " + blockSize);
        if (channels < 1) throw new IllegalArgumentException("key: channels must be at least 1 but is " + channels);
        if ((long) channels * blockSize * blockSize > 1 << 20)
            throw new IllegalArgumentException("key: blocks of " + channels + "·" + blockSize + "·" + blockSize + " values are too large");
        int need = origin == Origin.SEED ? Long.BYTES : MIN_RANDOM_BYTES;
        if (origin == Origin.SEED ? material.length != need : material.length < need)
            throw new IllegalArgumentException("key: " + origin.name().toLowerCase() + " key material must be "
                    + (origin == Origin.SEED ? "exactly " : "at least ") + need + " bytes but is " + material.length);
        this.material = material.clone();
        this.blockSize = blockSize;
        this.channels = channels;
        this.origin = origin;
    }

    /** A new key with 256 bits of material from {@code random} (pass a {@link SecureRandom}). */
    public static SecretKey generate(int blockSize, int channels, SecureRandom random) {
        byte[] m = new byte[RANDOM_BYTES];
        random.nextBytes(m);
        return new SecretKey(m, blockSize, channels, Origin.RANDOM);
    }

    /** A reproducible research key: material = the 8 big-endian bytes of {@code seed} (64 bits of entropy at most). */
    public static SecretKey fromSeed(long seed, int blockSize, int channels) {
        return new SecretKey(ByteBuffer.allocate(Long.BYTES).putLong(seed).array(), blockSize, channels, Origin.SEED);
    }

    public int blockSize() { return blockSize; }

    public int channels() { return channels; }

    public Origin origin() { return origin; }

    /** K = C·M·M, the length of the permuted block vector. */
    public int permutationSize() { return channels * blockSize * blockSize; }

    /** Bits of key material (what an exhaustive search over keys must cover). */
    public int materialBits() { return material.length * 8; }

    /** A copy of the material, for {@link KeyFile} only. */
    byte[] material() { return material.clone(); }

    /** The key's block permutation p (out[i] = in[p[i]]), derived as described in the class comment. */
    public int[] permutation() {
        int[] p = permutation;
        if (p == null) {
            UniformRandomProvider rng = generator("keyshield-permutation-v1");
            p = new int[permutationSize()];
            for (int i = 0; i < p.length; i++) p[i] = i;
            for (int i = p.length - 1; i > 0; i--) {
                int j = bounded(rng, i + 1);
                int t = p[i]; p[i] = p[j]; p[j] = t;
            }
            permutation = p;
        }
        return p.clone();
    }

    /** The generator of one purpose (see the class comment); a new label gives an independent stream. */
    UniformRandomProvider generator(String label) {
        MessageDigest sha = sha256();
        sha.update(material);
        sha.update(label.getBytes(StandardCharsets.UTF_8));
        sha.update(ByteBuffer.allocate(8).putInt(blockSize).putInt(channels).array());
        ByteBuffer d = ByteBuffer.wrap(sha.digest());
        return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {d.getLong(0), d.getLong(8)});
    }

    /** An unbiased integer in [0, n) for 0 &lt; n ≤ 2³¹ − 1 (Lemire's method on 32-bit draws). */
    static int bounded(UniformRandomProvider rng, int n) {
        long m = (rng.nextLong() >>> 32) * n;
        if ((m & 0xFFFFFFFFL) < n) {
            long threshold = (0x1_0000_0000L - n) % n;
            while ((m & 0xFFFFFFFFL) < threshold) m = (rng.nextLong() >>> 32) * n;
        }
        return (int) (m >>> 32);
    }

    /** First 8 bytes (16 hex digits) of SHA-256("keyshield-fingerprint-v1" ‖ material ‖ M ‖ C): safe to log. */
    public String fingerprint() {
        MessageDigest sha = sha256();
        sha.update("keyshield-fingerprint-v1".getBytes(StandardCharsets.UTF_8));
        sha.update(material);
        sha.update(ByteBuffer.allocate(8).putInt(blockSize).putInt(channels).array());
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    /**
     * Checks that images of {@code shape} (B, C, H, W) fit this key: C equals the key's channels and M
     * divides H and W. {@code op} names the caller in the message.
     */
    public void checkImage(String op, long[] shape) {
        ShapeException.requireRank(op, "image batch (B, C, H, W)", 4, shape);
        if (shape[1] != channels)
            throw new ShapeException(op + ": key " + fingerprint() + " is for " + channels + " channels but the images "
                    + ShapeException.show(shape) + " have " + shape[1]);
        if (shape[2] % blockSize != 0 || shape[3] % blockSize != 0)
            throw new ShapeException(op + ": key block size " + blockSize + " does not divide the image "
                    + (shape[2] % blockSize != 0 ? "height " + shape[2] : "width " + shape[3]) + " of images " + ShapeException.show(shape));
    }

    /** Equal material (compared in constant time), block size, channels and origin. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SecretKey k && blockSize == k.blockSize && channels == k.channels && origin == k.origin
                && MessageDigest.isEqual(material, k.material);
    }

    @Override
    public int hashCode() { return fingerprint().hashCode(); }

    @Override
    public String toString() {
        return "SecretKey[fingerprint=" + fingerprint() + ", block=" + blockSize + ", channels=" + channels + ", origin=" + origin + "]";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
