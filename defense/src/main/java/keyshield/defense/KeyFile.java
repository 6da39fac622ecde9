package keyshield.defense;

import keyshield.tensor.io.AtomicFiles;
import keyshield.tensor.io.TextFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Key files: a small text format, written atomically and readable by the owner only.
 * <pre>
 *   keyshield-key v1
 *   origin random            (or: seed)
 *   block 4                  (M)
 *   channels 3               (C)
 *   material 3q2+7w...=      (standard base64 of the key material)
 * </pre>
 * Exactly these five lines in this order (a trailing newline is optional). The file is created with
 * permissions rw------- before any byte is written (temporary file in the same directory, fsync,
 * atomic rename), so the material is never readable by others, not even briefly. Reading a file that
 * group or others may read logs a warning; reading a malformed file fails naming the file, the line and
 * what was expected.
 */
public final class KeyFile {
    private static final Logger log = LoggerFactory.getLogger(KeyFile.class);
    private static final String MAGIC = "keyshield-key v1";
    /** A key file is five short lines; anything larger is some other file given by mistake. */
    private static final int MAX_BYTES = 1 << 16;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFile() {}

    /** Writes {@code key} to {@code file} atomically with owner-only permissions. */
    public static void write(Path file, SecretKey key) throws IOException {
        String text = MAGIC + "\n"
                + "origin " + key.origin().name().toLowerCase() + "\n"
                + "block " + key.blockSize() + "\n"
                + "channels " + key.channels() + "\n"
                + "material " + Base64.getEncoder().encodeToString(key.material()) + "\n";
        boolean posix = Files.getFileStore(existingAncestor(file.toAbsolutePath())).supportsFileAttributeView("posix");
        if (!posix) log.warn("key file {}: the file system has no POSIX permissions; restrict access to it yourself", file);
        FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
        AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)), attrs);
    }

    /** Reads a key file; warns (SLF4J) when group or others may read it. */
    public static SecretKey read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such key file");
        permissionProblem(file).ifPresent(problem -> log.warn("key file {}: {}", file, problem));
        List<String> lines = lines(file);
        if (lines.size() != 5)
            throw new IOException("key file " + file + ": expected 5 lines (keyshield-key v1, origin, block, channels, material) but found " + lines.size());
        if (!lines.get(0).strip().equals(MAGIC))
            throw new IOException("key file " + file + " line 1: expected '" + MAGIC + "' but found a line starting with '" + abbreviate(lines.get(0).split(" ", 2)[0]) + "'");
        String originText = field(file, lines, 2, "origin");
        SecretKey.Origin origin = switch (originText) {
            case "random" -> SecretKey.Origin.RANDOM;
            case "seed" -> SecretKey.Origin.SEED;
            default -> throw new IOException("key file " + file + " line 2: origin must be 'random' or 'seed' but is '" + abbreviate(originText) + "'");
        };
        int block = positive(file, lines, 3, "block");
        int channels = positive(file, lines, 4, "channels");
        byte[] material;
        try {
            material = Base64.getDecoder().decode(field(file, lines, 5, "material"));
        } catch (IllegalArgumentException e) {
            throw new IOException("key file " + file + " line 5: material is not valid base64 (" + e.getMessage() + ")");
        }
        try {
            return new SecretKey(material, block, channels, origin);
        } catch (IllegalArgumentException e) {
            throw new IOException("key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's lines, read only if it is small enough to be a key file and only if it is UTF-8 text. */
    private static List<String> lines(Path file) throws IOException {
        return TextFiles.readUtf8(file, MAX_BYTES, "key file").lines().toList();
    }

    /** Why {@code file}'s permissions are too open (group or others have any access), if they are. */
    public static Optional<String> permissionProblem(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) return Optional.empty();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> open = new java.util.TreeSet<>(perms);
        open.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        if (open.isEmpty()) return Optional.empty();
        return Optional.of("permissions are " + PosixFilePermissions.toString(perms)
                + " but a key file should be readable by its owner only (chmod 600)");
    }

    private static String field(Path file, List<String> lines, int lineNo, String name) throws IOException {
        String line = lines.get(lineNo - 1);
        String prefix = name + " ";
        if (!line.startsWith(prefix) || line.length() == prefix.length())
            throw new IOException("key file " + file + " line " + lineNo + ": expected '" + name + " <value>' but found a line starting with '" + abbreviate(line.split(" ", 2)[0]) + "'");
        return line.substring(prefix.length()).strip();
    }

    private static int positive(Path file, List<String> lines, int lineNo, String name) throws IOException {
        String v = field(file, lines, lineNo, name);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("key file " + file + " line " + lineNo + ": " + name + " must be a positive integer but is '" + abbreviate(v) + "'");
        }
    }

    /** Malformed lines may hold material: messages show at most their first 16 characters. */
    private static String abbreviate(String s) { return s.length() <= 16 ? s : s.substring(0, 16) + "…"; }

    private static Path existingAncestor(Path p) {
        Path q = p.getParent();
        while (q != null && !Files.exists(q)) q = q.getParent();
        return q == null ? p.getRoot() : q;
    }
}
