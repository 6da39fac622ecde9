package keyshield.defense;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Key files: round trips, owner-only permissions, clear errors on malformed files. */
class KeyFileTest {
    @TempDir Path dir;

    @Test
    void randomAndSeededKeysRoundTripWithOwnerOnlyPermissions() throws IOException {
        for (SecretKey k : new SecretKey[] {SecretKey.generate(4, 3, new SecureRandom()), SecretKey.fromSeed(-17, 16, 1)}) {
            Path f = dir.resolve("sub/k-" + k.fingerprint() + ".key");
            KeyFile.write(f, k);
            assertThat(KeyFile.read(f)).isEqualTo(k);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
            assertThat(KeyFile.permissionProblem(f)).isEmpty();
            assertThat(Files.readAllLines(f)).containsExactly("keyshield-key v1", "origin " + k.origin().name().toLowerCase(),
                    "block " + k.blockSize(), "channels " + k.channels(), "material " + Base64.getEncoder().encodeToString(k.material()));
        }
        assertThat(Files.list(dir.resolve("sub")).map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".key"));   // no temp files left
    }

    @Test
    void overwritingKeepsOwnerOnlyPermissions() throws IOException {
        Path f = dir.resolve("k.key");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFile.write(f, SecretKey.fromSeed(1, 4, 3));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    }

    @Test
    void filesOthersCanReadAreFlaggedButStillLoad() throws IOException {
        Path f = dir.resolve("k.key");
        KeyFile.write(f, SecretKey.fromSeed(1, 4, 3));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(KeyFile.permissionProblem(f)).hasValueSatisfying(m -> assertThat(m).contains("rw-r-----").contains("chmod 600"));
        assertThat(KeyFile.read(f)).isEqualTo(SecretKey.fromSeed(1, 4, 3));
    }

    static final String GOOD_MATERIAL = Base64.getEncoder().encodeToString(new byte[32]);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "keyshield-key v2\\norigin random\\nblock 4\\nchannels 3\\nmaterial M | line 1: expected 'keyshield-key v1'",
            "keyshield-key v1\\norigin random\\nblock 4\\nchannels 3                  | expected 5 lines",
            "keyshield-key v1\\norigin lucky\\nblock 4\\nchannels 3\\nmaterial M   | line 2: origin must be 'random' or 'seed' but is 'lucky'",
            "keyshield-key v1\\norigin random\\nblock four\\nchannels 3\\nmaterial M | line 3: block must be a positive integer but is 'four'",
            "keyshield-key v1\\norigin random\\nblock 4\\nchannels 0\\nmaterial M    | line 4: channels must be a positive integer but is '0'",
            "keyshield-key v1\\norigin random\\nchannels 3\\nblock 4\\nmaterial M    | line 3: expected 'block <value>' but found a line starting with 'channels'",
            "keyshield-key v1\\norigin random\\nblock 4\\nchannels 3\\nmaterial %%% | line 5: material is not valid base64",
            "keyshield-key v1\\norigin random\\nblock 4\\nchannels 3\\nmaterial AAAA | random key material must be at least 16 bytes but is 3",
            "keyshield-key v1\\norigin seed\\nblock 4\\nchannels 3\\nmaterial M     | seed key material must be exactly 8 bytes but is 32"})
    void malformedFilesFailNamingTheFileAndTheField(String text, String message) throws IOException {
        Path f = dir.resolve("bad.key");
        Files.writeString(f, text.replace("\\n", "\n").replace("material M", "material " + GOOD_MATERIAL), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> KeyFile.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("key file " + f).hasMessageContaining(message.strip())
                .hasMessageNotContaining(GOOD_MATERIAL);
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> KeyFile.read(dir.resolve("none.key"))).isInstanceOf(NoSuchFileException.class).hasMessageContaining("none.key");
    }
}
