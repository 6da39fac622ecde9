package keyshield.experiments.cli;

import keyshield.defense.KeyFile;
import keyshield.defense.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** `keyshield key new` and `keyshield key show`: files with owner-only permissions, output that never shows key material. */
class KeyCommandTest {
    @TempDir Path dir;
    final StringWriter out = new StringWriter(), err = new StringWriter();

    /** The CLI with the key and shuffle commands, whether or not the top-level class registers them yet. */
    static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cli = KeyshieldCli.commandLine();
        if (!cli.getSubcommands().containsKey("key")) cli.addSubcommand(new KeyCommand());
        if (!cli.getSubcommands().containsKey("shuffle")) cli.addSubcommand(new ShuffleCommand());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }

    int run(String... args) { return cli(out, err).execute(args); }

    @Test
    void newWritesARandomKeyThatShowDescribesWithoutItsMaterial() throws Exception {
        Path f = dir.resolve("k.key");
        assertThat(run("key", "new", "--block", "4", "--out", f.toString())).isZero();
        SecretKey key = KeyFile.read(f);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(key.blockSize()).isEqualTo(4);
        assertThat(key.channels()).isEqualTo(3);
        assertThat(out.toString()).contains(key.fingerprint()).contains("256 random bits");

        assertThat(run("key", "show", f.toString())).isZero();
        String material = Files.readAllLines(f).get(4).substring("material ".length());
        assertThat(out.toString())
                .contains("fingerprint        " + key.fingerprint())
                .contains("block size         4").contains("channels           3")
                .contains("nominal key space  log2(48!) = 202.9 bits")
                .contains("effective entropy  202.9 bits (key material: 256 bits)")
                .doesNotContain(material).doesNotContain(material.substring(0, 12));
    }

    @Test
    void seededKeysAreReproducibleAndReportTheirSmallEntropy() throws Exception {
        Path f = dir.resolve("seeded.key");
        assertThat(run("key", "new", "--block", "2", "--channels", "3", "--seed", "42", "--out", f.toString())).isZero();
        assertThat(KeyFile.read(f)).isEqualTo(SecretKey.fromSeed(42, 2, 3));
        assertThat(out.toString()).contains("10833f3e9ee0abce").contains("at most 64 bits");
        assertThat(run("key", "show", f.toString())).isZero();
        assertThat(out.toString()).contains("origin             seed").contains("log2(12!) = 28.8 bits")
                .contains("effective entropy  28.8 bits (key material: 64 bits)");
    }

    @Test
    void anExistingKeyIsNotOverwrittenWithoutForce() throws Exception {
        Path f = dir.resolve("k.key");
        assertThat(run("key", "new", "--block", "4", "--seed", "1", "--out", f.toString())).isZero();
        assertThat(run("key", "new", "--block", "4", "--seed", "2", "--out", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("already exists").contains("--force");
        assertThat(KeyFile.read(f)).isEqualTo(SecretKey.fromSeed(1, 4, 3));
        assertThat(run("key", "new", "--block", "4", "--seed", "2", "--force", "--out", f.toString())).isZero();
        assertThat(KeyFile.read(f)).isEqualTo(SecretKey.fromSeed(2, 4, 3));
    }

    @Test
    void showWarnsAboutOpenPermissionsAndRejectsBadFiles() throws Exception {
        Path f = dir.resolve("k.key");
        assertThat(run("key", "new", "--block", "4", "--seed", "1", "--out", f.toString())).isZero();
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(run("key", "show", f.toString())).isZero();
        assertThat(out.toString()).contains("warning").contains("rw-r--r--");

        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "keyshield-key v1\norigin random\nblock 4\nchannels 3\nmaterial " + Base64.getEncoder().encodeToString(new byte[4]) + "\n");
        assertThat(run("key", "show", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("key file " + bad).contains("at least 16 bytes but is 4");
    }
}
