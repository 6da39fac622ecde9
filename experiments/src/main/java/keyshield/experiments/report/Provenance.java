package keyshield.experiments.report;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a result came from, embedded in every result file so a number can be traced back: the code
 * (git commit, dirty or not), the libraries, the machine, the seeds, the keys (fingerprints only, never
 * key material) and the wall time.
 */
public record Provenance(String gitCommit, boolean gitDirty, String keyshieldVersion, String nd4jVersion, String nd4jBuild,
                         String javaVersion, String os, int cores, long maxHeapBytes, List<Long> seeds,
                         List<String> keyFingerprints, Instant started, Instant finished, double wallSeconds) {

    public Provenance {
        seeds = List.copyOf(seeds);
        keyFingerprints = List.copyOf(keyFingerprints);
    }

    /** Starts recording a run; call {@link Clock#finish} when it ends. */
    public static Clock start() { return new Clock(Instant.now(), System.nanoTime()); }

    /** The start of a run, turned into a {@link Provenance} at its end. */
    public record Clock(Instant started, long startNanos) {
        public Provenance finish(List<Long> seeds, List<String> keyFingerprints) {
            double wall = (System.nanoTime() - startNanos) / 1e9;
            String[] git = git();
            return new Provenance(git[0], "true".equals(git[1]), version(), "1.0.0-M2.1", detectNd4jBuild(),
                    System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(), seeds, keyFingerprints,
                    started, started.plus(Duration.ofNanos((long) (wall * 1e9))), wall);
        }
    }

    private static String version() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** The native build of ND4J in use (its jar's classifier, e.g. linux-x86_64-onednn-avx512). */
    private static String detectNd4jBuild() {
        try {
            var cl = Provenance.class.getClassLoader();
            for (String c : new String[] {"linux-x86_64-onednn-avx512", "linux-x86_64-onednn-avx2", "linux-x86_64-onednn",
                    "linux-x86_64-avx512", "linux-x86_64-avx2", "linux-x86_64"})
                if (cl.getResource("org/nd4j/linalg/cpu/nativecpu/bindings/" + c + "/libjnind4jcpu.so") != null) return "nd4j-native " + c;
            if (cl.getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null) return "nd4j-cuda-11.6";
        } catch (RuntimeException ignored) {
            // provenance must never fail a run
        }
        return "unknown";
    }

    /** {commit, dirty} of the working directory's repository, or {"unknown", "false"} outside git. */
    private static String[] git() {
        String commit = run("git", "rev-parse", "HEAD");
        String status = run("git", "status", "--porcelain", "--untracked-files=no");
        return new String[] {commit == null ? "unknown" : commit.strip(), Boolean.toString(status != null && !status.isBlank())};
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
