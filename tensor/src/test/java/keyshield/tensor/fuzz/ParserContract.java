package keyshield.tensor.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The contract every parser keeps on arbitrary bytes: it returns a valid result, or it throws an
 * {@link IOException} whose message names the file, or an {@link IllegalArgumentException} with a
 * message. Anything else (NullPointerException, an index out of bounds, NegativeArraySizeException,
 * OutOfMemoryError from a forged length, StackOverflowError) escapes unchanged, so the fuzzer reports
 * it with its own stack trace and deduplicates it as the bug it is.
 */
public final class ParserContract {
    private static final Path DIR = tempDir();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ParserContract() {}

    /** A parser of one file, e.g. {@code Npz::read}. */
    @FunctionalInterface
    public interface FileParser<T> {
        T parse(Path file) throws Exception;
    }

    /**
     * Writes {@code bytes} to a file called {@code fileName} (owner-only, as a key file must be, so that no
     * permission warning is logged per input) and checks that {@code parser} keeps the contract on it.
     */
    public static <T> void holdsOnFile(byte[] bytes, String fileName, FileParser<T> parser) throws Exception {
        holdsOnFile(bytes, fileName, parser, result -> {});
    }

    /** As {@link #holdsOnFile(byte[], String, FileParser)}; a result must also pass {@code valid} (e.g. its sizes agree). */
    public static <T> void holdsOnFile(byte[] bytes, String fileName, FileParser<T> parser, Consumer<? super T> valid) throws Exception {
        Path file = DIR.resolve(fileName);
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        try {
            holds(fileName, () -> parser.parse(file), valid);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Runs {@code parse}; an IOException must name {@code name} (the file or thing parsed). */
    public static <T> void holds(String name, Callable<T> parse, Consumer<? super T> valid) throws Exception {
        T result;
        try {
            result = parse.call();
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains(name))
                throw new AssertionError("an IOException must name '" + name + "' but says: " + e.getMessage(), e);
            return;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank())
                throw new AssertionError("an IllegalArgumentException must say what is wrong", e);
            return;
        }
        if (result == null) throw new AssertionError("parsing '" + name + "' returned null instead of a result or an exception");
        valid.accept(result);
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("keyshield-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
