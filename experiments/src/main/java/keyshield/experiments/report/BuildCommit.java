package keyshield.experiments.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The git commit the running code was built from, and whether the working tree differed from it then.
 * Maven's build writes both into {@code keyshield/build-git.properties} (git-commit-id-maven-plugin), so
 * a run that lasts hours records the code that computed it, not whatever the checkout holds when it ends.
 * Classes compiled without that file (some IDE builds) fall back to asking git about the working
 * directory once, when the process first needs it; outside git both are unknown.
 *
 * @param commit 40 hex digits, or {@code "unknown"}
 * @param dirty  tracked files differed from {@code commit} when the code was built
 */
public record BuildCommit(String commit, boolean dirty) {
    static final String RESOURCE = "/keyshield/build-git.properties";
    static final BuildCommit UNKNOWN = new BuildCommit("unknown", false);
    private static final BuildCommit THIS_BUILD = detect();

    /** The commit of the code in this process. */
    public static BuildCommit ofThisBuild() { return THIS_BUILD; }

    private static BuildCommit detect() {
        try (InputStream in = BuildCommit.class.getResourceAsStream(RESOURCE)) {
            if (in != null) return parse(in);
        } catch (IOException | RuntimeException e) {
            // provenance must never fail a run: fall through to asking git
        }
        String commit = run("git", "rev-parse", "HEAD");
        String status = run("git", "status", "--porcelain", "--untracked-files=no");
        return commit == null ? UNKNOWN : new BuildCommit(commit.strip(), status != null && !status.isBlank());
    }

    /** The commit and dirty flag of a {@code build-git.properties} file; unknown where it lacks them. */
    static BuildCommit parse(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        String commit = p.getProperty("git.commit.id.full", "").strip();
        if (!commit.matches("[0-9a-f]{40}")) return UNKNOWN;
        return new BuildCommit(commit, Boolean.parseBoolean(p.getProperty("git.dirty", "false").strip()));
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out = r.lines().reduce("", (a, b) -> a + b + "\n");
            }
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (Exception e) {
            return null;
        }
    }
}
