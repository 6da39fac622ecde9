package keyshield.experiments.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file (or folder) that does not hold what its format promises: wrong magic number, truncated,
 * trailing bytes, a label out of range, counts that disagree, an image that cannot be decoded. The
 * message always names the file, the thing checked, the expected and the actual value, e.g.
 * {@code train-labels-idx1-ubyte.gz: magic number: expected 0x00000801, got 0x00000803}.
 */
public class DataFileException extends IOException {
    private final transient Path file;

    public DataFileException(Path file, String what, Object expected, Object actual) {
        super(file + ": " + what + ": expected " + expected + ", got " + actual);
        this.file = file;
    }

    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        this.file = file;
    }

    /** The offending file or folder. */
    public Path file() { return file; }

    static String hex(int v) { return String.format("0x%08X", v); }
}
