package keyshield.experiments.run;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import keyshield.defense.KeyFile;
import keyshield.defense.SecretKey;
import keyshield.experiments.data.Dataset;
import keyshield.tensor.Rng;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the secret key K of a defended model f_K(x) = g(norm(t_K(x))) comes from. An experiment names
 * its key's source, never the key itself: experiment files, run directories and results hold a key
 * file's path or a seed, and the key's {@link SecretKey#fingerprint()}, never its material.
 * In experiment JSON the field {@code "source"} names the kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "source")
@JsonSubTypes({@JsonSubTypes.Type(value = KeySource.FromFile.class, name = "file"),
        @JsonSubTypes.Type(value = KeySource.Seeded.class, name = "seeded"),
        @JsonSubTypes.Type(value = KeySource.None.class, name = "none")})
public sealed interface KeySource {
    /**
     * The key for the images of {@code data}, or empty for no key (the plain model). The key must fit
     * them: as many channels, and M dividing the height and width ({@link SecretKey#checkImage}).
     */
    Optional<SecretKey> resolve(Dataset data) throws IOException;

    /** Throws a {@link FileNotFoundException} naming what is missing. */
    void requireAvailable() throws IOException;

    /** A key file written by {@code ./keyshield key new} ({@link KeyFile}): a random 256-bit key, as deployed. */
    record FromFile(Path path) implements KeySource {
        public FromFile { Objects.requireNonNull(path, "key file path"); }

        @Override public Optional<SecretKey> resolve(Dataset data) throws IOException {
            SecretKey key = KeyFile.read(path);
            check(key, data, "key file " + path);
            return Optional.of(key);
        }

        @Override public void requireAvailable() throws IOException {
            if (!Files.isRegularFile(path))
                throw new FileNotFoundException("key file " + path + " not found; create one with './keyshield key new --block M --out " + path + "'");
        }
    }

    /**
     * A reproducible research key: {@code SecretKey.fromSeed(Rng.seeded(seed).split("key", M).nextLong(), M, C)}.
     * That is the key {@link TableOne} derives for block size M from the same seed, so a model of a table
     * run and one fine-tuned on its own with that seed share a key. At most 64 bits of entropy: for
     * research, not deployment.
     *
     * @param blockSize M, the side of the shuffled blocks; at least 1
     * @param seed      the seed the key is derived from
     */
    record Seeded(int blockSize, long seed) implements KeySource {
        public Seeded {
            if (blockSize < 1) throw new IllegalArgumentException("seeded key: blockSize must be at least 1 but is " + blockSize);
        }

        @Override public Optional<SecretKey> resolve(Dataset data) {
            SecretKey key = SecretKey.fromSeed(Rng.seeded(seed).split("key", blockSize).nextLong(), blockSize, data.channels());
            check(key, data, "seeded key (M = " + blockSize + ")");
            return Optional.of(key);
        }

        @Override public void requireAvailable() { }
    }

    /** No key: the plain model g(norm(x)), e.g. the source of non-adaptive examples. */
    record None() implements KeySource {
        @Override public Optional<SecretKey> resolve(Dataset data) { return Optional.empty(); }

        @Override public void requireAvailable() { }
    }

    /** Refuses a key that does not fit the images of {@code data}, naming the key by {@code what} and its fingerprint. */
    private static void check(SecretKey key, Dataset data, String what) {
        try {
            key.checkImage(what, new long[] {1, data.channels(), data.height(), data.width()});
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (data " + data.name() + ")", e);
        }
    }
}
