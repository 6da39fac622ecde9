package keyshield.experiments.run;

import keyshield.defense.KeyFile;
import keyshield.defense.SecretKey;
import keyshield.experiments.cli.KeyshieldCli;
import keyshield.tensor.Arrays64;
import keyshield.tensor.Rng;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key material never leaves the key file: everything a run writes (stage results, checkpoints and
 * their metadata, weight files, adversarial batches, the result JSON, stdout and stderr, error
 * messages) is scanned for the key bytes in hex (both cases) and base64 (standard and URL-safe). Only
 * fingerprints — a one-way hash — may appear.
 */
class KeyHygieneTest {
    @TempDir Path tmp;

    @Test
    void aTableRunWritesNoKeyMaterialAnywhere() throws Exception {
        TinyWorld world = TinyWorld.create(tmp.resolve("world"), 96, 3);
        TableOne t = world.tableOne().scaledDown(96, 48, 16, 0.25);
        Rng root = Rng.seeded(t.seed());
        List<byte[]> secrets = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (int m : t.blockSizes())
            for (String which : new String[] {"key", "guess"}) {
                long seed = root.split(which, m).nextLong();                       // how TableOneRun derives its keys
                secrets.add(ByteBuffer.allocate(8).putLong(seed).array());
                fingerprints.add(SecretKey.fromSeed(seed, m, 3).fingerprint());
            }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Runner.run(t, tmp.resolve("run"), false, tmp.resolve("result.json"), new PrintStream(out, true, StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
        Map<String, byte[]> written = files(tmp.resolve("run"));
        written.put("result.json", Files.readAllBytes(tmp.resolve("result.json")));
        written.put("stdout", out.toByteArray());
        written.put("stderr", err.toByteArray());
        assertThat(written.keySet()).as("the run wrote checkpoints, weights and adversarial batches")
                .anyMatch(k -> k.startsWith("checkpoints")).anyMatch(k -> k.startsWith("models")).anyMatch(k -> k.startsWith("adv"));
        assertNoMaterial(written, secrets);
        assertThat(new String(written.get("result.json"), StandardCharsets.UTF_8)).as("the result names its keys by fingerprint")
                .contains(fingerprints);
    }

    @Test
    void keyCommandsAndTheirErrorsShowNoKeyMaterial() throws Exception {
        Path key = tmp.resolve("device.key"), in = tmp.resolve("x.npz"), bad = tmp.resolve("bad.npz"), shuffled = tmp.resolve("s.npz");
        Npz.write(in, Map.of("x", Arrays64.random(1, 0.0, 1.0, 2, 3, 8, 8)));
        Npz.write(bad, Map.of("x", Arrays64.random(2, 0.0, 1.0, 2, 3, 6, 6)));             // 6 is not a multiple of the block size 4
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cli = KeyshieldCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("key", "new", "--block", "4", "--out", key.toString())).as("%s", err).isZero();
        assertThat(cli.execute("key", "show", key.toString())).isZero();
        assertThat(cli.execute("shuffle", "--key", key.toString(), "--input", in.toString(), "--out", shuffled.toString())).as("%s", err).isZero();
        assertThat(cli.execute("shuffle", "--key", key.toString(), "--input", bad.toString(), "--out", tmp.resolve("never.npz").toString()))
                .as("a key that does not fit the images is refused").isEqualTo(2);
        assertThat(err.toString()).contains("block size 4");

        byte[] material = Base64.getDecoder().decode(Files.readAllLines(key).get(4).substring("material ".length()));
        assertThat(material).hasSizeGreaterThanOrEqualTo(16);
        Map<String, byte[]> written = new LinkedHashMap<>();
        written.put("stdout", out.toString().getBytes(StandardCharsets.UTF_8));
        written.put("stderr", err.toString().getBytes(StandardCharsets.UTF_8));
        written.put("s.npz", Files.readAllBytes(shuffled));
        written.put("toString", KeyFile.read(key).toString().getBytes(StandardCharsets.UTF_8));
        assertNoMaterial(written, List.of(material));
        assertThat(out.toString()).contains(KeyFile.read(key).fingerprint());
    }

    /** No file holds any secret as raw bytes, hex (lower or upper case) or base64 (standard or URL-safe, with or without padding). */
    private static void assertNoMaterial(Map<String, byte[]> files, List<byte[]> secrets) {
        for (byte[] secret : secrets) {
            List<byte[]> forms = new ArrayList<>(List.of(secret));
            String hex = HexFormat.of().formatHex(secret);
            for (String s : List.of(hex, hex.toUpperCase(), Base64.getEncoder().encodeToString(secret), Base64.getUrlEncoder().encodeToString(secret),
                    Base64.getEncoder().withoutPadding().encodeToString(secret)))
                forms.add(s.getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> f : files.entrySet())
                for (byte[] form : forms)
                    assertThat(indexOf(f.getValue(), form)).as("%s holds key material as %s", f.getKey(), new String(form, StandardCharsets.ISO_8859_1))
                            .isEqualTo(-1);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
        }
        return out;
    }
}
