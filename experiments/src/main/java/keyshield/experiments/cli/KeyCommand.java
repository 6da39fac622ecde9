package keyshield.experiments.cli;

import keyshield.defense.KeyEntropy;
import keyshield.defense.KeyFile;
import keyshield.defense.SecretKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code keyshield key new|show}: create a secret key file, or describe one without revealing it.
 * Only the fingerprint of a key is ever printed.
 */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Creates or describes secret key files for the block-wise pixel shuffle.",
        subcommands = {KeyCommand.New.class, KeyCommand.Show.class})
public final class KeyCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    /** {@code keyshield key new --block M [--channels C] [--seed S] --out KEYFILE}. */
    @Command(name = "new", mixinStandardHelpOptions = true,
            description = {"Writes a new key file (owner-only permissions, atomic).",
                    "Without --seed the key has 256 bits from SecureRandom; with --seed it is reproducible but has at most 64 bits of entropy."})
    public static final class New implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--block", required = true, description = "block size M (must divide the image height and width; = patch size for key folding)")
        int block;

        @Option(names = "--channels", defaultValue = "3", description = "image channels C (default ${DEFAULT-VALUE})")
        int channels;

        @Option(names = "--seed", description = "derive the key from this seed (reproducible research keys only)")
        Long seed;

        @Option(names = "--out", required = true, description = "key file to write")
        Path out;

        @Option(names = "--force", description = "replace an existing key file (its key is lost)")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(out) && !force)
                throw new IllegalArgumentException(out + " already exists; a key file is not overwritten unless --force is given");
            SecretKey key = seed == null ? SecretKey.generate(block, channels, new SecureRandom()) : SecretKey.fromSeed(seed, block, channels);
            KeyFile.write(out, key);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "wrote key %s (block %d, channels %d, %s) to %s%n", key.fingerprint(), block, channels,
                    seed == null ? "256 random bits" : "seeded: at most 64 bits of entropy", out);
            o.flush();
            return 0;
        }
    }

    /** {@code keyshield key show KEYFILE}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Prints a key file's fingerprint, block size, channels and key-space sizes (never the key material).")
    public static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "KEYFILE", description = "key file to describe")
        Path file;

        @Override
        public Integer call() throws Exception {
            SecretKey key = KeyFile.read(file);
            KeyEntropy e = KeyEntropy.of(key);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "key file           %s%n", file);
            o.printf(Locale.ROOT, "fingerprint        %s%n", key.fingerprint());
            o.printf(Locale.ROOT, "origin             %s%n", key.origin().name().toLowerCase(Locale.ROOT));
            o.printf(Locale.ROOT, "block size         %d%n", key.blockSize());
            o.printf(Locale.ROOT, "channels           %d%n", key.channels());
            o.printf(Locale.ROOT, "permutation size   %d values per block (C·M·M)%n", e.permutationSize());
            o.printf(Locale.ROOT, "nominal key space  log2(%d!) = %.1f bits%n", e.permutationSize(), e.nominalBits());
            o.printf(Locale.ROOT, "effective entropy  %.1f bits (key material: %d bits)%n", e.effectiveBits(), e.materialBits());
            KeyFile.permissionProblem(file).ifPresent(p -> o.println("warning            " + p));
            o.flush();
            return 0;
        }
    }
}
