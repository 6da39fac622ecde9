package keyshield.defense;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bugs fuzzing {@link KeyFile#read} found (or reviewing it for the harness), each with its input inline. */
class KeyFileFuzzFindingsTest {
    @TempDir Path dir;

    /** Fuzzing: one byte that is not UTF-8 gave MalformedInputException "Input length = 1", naming no file. */
    @Test
    void bytesThatAreNotUtf8NameTheFile() throws IOException {
        Path f = dir.resolve("latin1.key");
        byte[] text = "keyshield-key v1\norigin seed\nblock 16\nchannels 1\nmaterial //////////8=".getBytes(StandardCharsets.US_ASCII);
        text[9] = (byte) 0xAD;                                                  // "keyshield\xadkey v1"
        Files.write(f, text);
        assertThatThrownBy(() -> KeyFile.read(f)).isInstanceOf(IOException.class).hasMessage("key file " + f + ": not UTF-8 text");
    }

    /** Review: any file given as a key was read whole into lines, so a multi-gigabyte file given by mistake would exhaust the heap. */
    @Test
    void filesTooLargeToBeKeysAreNotRead() throws IOException {
        Path f = dir.resolve("big.key");
        Files.write(f, new byte[70_000]);
        assertThatThrownBy(() -> KeyFile.read(f)).isInstanceOf(IOException.class)
                .hasMessage("key file " + f + ": 70000 bytes is too large (at most 65536)");
    }
}
