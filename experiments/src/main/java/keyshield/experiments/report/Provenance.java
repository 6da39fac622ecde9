package keyshield.experiments.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where a result came from, embedded in every result file so a number can be traced back: the code
 * (the git commit it was built from, dirty or not), the libraries, the machine, the seeds, the keys
 * (fingerprints only, never key material) and the wall time. {@code gitCommit}, {@code gitDirty} and the
 * times are those of the invocation that finished the run; a run resumed from a run directory lists
 * every invocation that worked on it, and the code each ran, in {@code invocations}.
 */
public record Provenance(String gitCommit, boolean gitDirty, String keyshieldVersion, String nd4jVersion, String nd4jBuild,
                         String javaVersion, String os, int cores, long maxHeapBytes, List<Long> seeds,
                         List<String> keyFingerprints, Instant started, Instant finished, double wallSeconds,
                         List<Invocation> invocations) {

    public Provenance {
        seeds = List.copyOf(seeds);
        keyFingerprints = List.copyOf(keyFingerprints);
        invocations = invocations == null ? List.of() : List.copyOf(invocations);      // absent in result files written before it existed
    }

    /** One process that worked on a run: when it started, and the commit its code was built from. */
    public record Invocation(Instant started, String gitCommit, boolean gitDirty) {
        /** This process, started now. */
        public static Invocation now() {
            BuildCommit b = BuildCommit.ofThisBuild();
            return new Invocation(Instant.now(), b.commit(), b.dirty());
        }
    }

    /** Starts recording a run; call {@link Clock#finish} when it ends. */
    public static Clock start() {
        BuildCommit.ofThisBuild();                    // where the build left no commit, ask git now, not when a long run ends
        return new Clock(Instant.now(), System.nanoTime());
    }

    /** The start of a run, turned into a {@link Provenance} at its end. */
    public record Clock(Instant started, long startNanos) {
        /** The provenance of a run that this one process did from start to end. */
        public Provenance finish(List<Long> seeds, List<String> keyFingerprints) {
            BuildCommit b = BuildCommit.ofThisBuild();
            return finish(seeds, keyFingerprints, List.of(new Invocation(started, b.commit(), b.dirty())));
        }

        /** The provenance of a run that {@code invocations} worked on, this process last (see {@code RunDir}). */
        public Provenance finish(List<Long> seeds, List<String> keyFingerprints, List<Invocation> invocations) {
            double wall = (System.nanoTime() - startNanos) / 1e9;
            BuildCommit b = BuildCommit.ofThisBuild();
            return new Provenance(b.commit(), b.dirty(), version(), "1.0.0-M2.1", detectNd4jBuild(),
                    System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(), seeds, keyFingerprints,
                    started, started.plus(Duration.ofNanos((long) (wall * 1e9))), wall, invocations);
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
}
