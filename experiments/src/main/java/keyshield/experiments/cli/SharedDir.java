package keyshield.experiments.cli;

import java.nio.file.Path;

/** The reference-data folder {@code ../shared} beside the repository ({@code $KEYSHIELD_HOME/../shared} under the launcher). */
final class SharedDir {
    private SharedDir() {}

    /** The folder, relative to the working directory when it lies below the same root (so experiment files stay portable). */
    static Path locate() {
        String home = System.getenv("KEYSHIELD_HOME");
        Path cwd = Path.of("").toAbsolutePath();
        Path shared = (home != null ? Path.of(home) : cwd).resolve("../shared").normalize();
        return cwd.getRoot().equals(shared.getRoot()) ? cwd.relativize(shared) : shared;
    }
}
