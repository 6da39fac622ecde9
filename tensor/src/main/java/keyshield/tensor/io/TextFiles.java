package keyshield.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads small text files (key files, experiment files) strictly: the size is checked before any byte is
 * read, so a file given by mistake (a checkpoint, a dataset) is refused instead of loaded, and the bytes
 * must be valid UTF-8, so no decoder guesses another encoding or replaces bad bytes with U+FFFD.
 * Errors name the kind of file and the file.
 */
public final class TextFiles {
    private TextFiles() {}

    /**
     * The text of {@code file}, at most {@code maxBytes} bytes of UTF-8.
     *
     * @param kind what the file should be, for messages: {@code "key file"} gives
     *             "key file F: 70000 bytes is too large (at most 65536)" and "key file F: not UTF-8 text"
     */
    public static String readUtf8(Path file, long maxBytes, String kind) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes)
            throw new IOException(kind + " " + file + ": " + size + " bytes is too large (at most " + maxBytes + ")");
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(kind + " " + file + ": not UTF-8 text", e);
        }
    }
}
