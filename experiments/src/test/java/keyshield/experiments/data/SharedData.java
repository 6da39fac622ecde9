package keyshield.experiments.data;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The large shared data folder ({@code ../shared/data} next to the repository). Tests that need it FAIL
 * when {@code CI=true} and it is missing, and are skipped locally.
 */
final class SharedData {
    private SharedData() {}

    static Path require(String relative) {
        for (String root : new String[] {"../shared/data", "../../shared/data"}) {
            Path p = Path.of(root).resolve(relative).toAbsolutePath().normalize();
            if (Files.exists(p)) return p;
        }
        String msg = "shared data ../shared/data/" + relative + " is missing (working directory " + Path.of("").toAbsolutePath() + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(msg);
        assumeTrue(false, msg);
        throw new AssertionError("unreachable");
    }
}
