package keyshield.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextFilesTest {
    @TempDir Path dir;

    /** "ε = 8/255" is 10 bytes in UTF-8 (ε takes two): a bound of exactly 10 reads it, 9 refuses it. */
    @Test
    void theBoundCountsBytesNotCharacters() throws IOException {
        Path f = dir.resolve("eps.txt");
        Files.writeString(f, "ε = 8/255", StandardCharsets.UTF_8);
        assertThat(TextFiles.readUtf8(f, 10, "note")).isEqualTo("ε = 8/255");
        assertThatThrownBy(() -> TextFiles.readUtf8(f, 9, "note")).isInstanceOf(IOException.class)
                .hasMessage("note " + f + ": 10 bytes is too large (at most 9)");
    }

    /** A Latin-1 "é" (one byte 0xE9) is not UTF-8: refused, not replaced by U+FFFD. */
    @Test
    void bytesThatAreNotUtf8AreRefusedNotReplaced() throws IOException {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, new byte[] {'c', 'a', 'f', (byte) 0xE9});
        assertThatThrownBy(() -> TextFiles.readUtf8(f, 100, "note")).isInstanceOf(IOException.class)
                .hasMessage("note " + f + ": not UTF-8 text").hasCauseInstanceOf(CharacterCodingException.class);
    }

    /** Zero bytes are valid UTF-8 (NUL characters); it is the caller's parser that must reject them. */
    @Test
    void zeroBytesAreText() throws IOException {
        Path f = dir.resolve("zeros.txt");
        Files.write(f, new byte[3]);
        assertThat(TextFiles.readUtf8(f, 3, "note")).isEqualTo("\0\0\0");
    }
}
