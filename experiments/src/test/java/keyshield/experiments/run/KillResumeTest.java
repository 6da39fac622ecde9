package keyshield.experiments.run;

import com.fasterxml.jackson.databind.JsonNode;
import keyshield.experiments.cli.KeyshieldCli;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.train.Checkpoint;
import keyshield.tensor.Rng;
import keyshield.tensor.io.Npz;
import keyshield.vit.weights.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Table I run killed with SIGKILL at random moments and re-started with {@code --resume} ends with
 * exactly the numbers of an uninterrupted run with the same seeds: the same rows, the same training
 * losses, and bit-identical fine-tuned weights and adversarial examples. After every kill, every file
 * the run left (checkpoints, stage results, weights, adversarial batches) must load: writes are atomic,
 * so a kill leaves the old file or the new one, never a torn one.
 *
 * <p>Each run is a child JVM running {@code keyshield table}; {@link Process#destroyForcibly()} sends
 * SIGKILL on Linux, so nothing of the child (no shutdown hook, no finally block) runs.
 */
class KillResumeTest {
    private static final int KILLS = 4;

    @TempDir Path tmp;

    @Test
    void killedAndResumedRunEndsWithTheNumbersOfAnUninterruptedOne() throws Exception {
        TinyWorld world = TinyWorld.create(tmp.resolve("world"), 192, 5);
        Path experiment = tmp.resolve("tiny.json");
        ResultFiles.writeJson(experiment, world.tableOne());

        Path refDir = tmp.resolve("ref.run"), refJson = tmp.resolve("ref.json");
        long t0 = System.nanoTime();
        Process ref = start(experiment, refDir, refJson, false, tmp.resolve("ref.log"));
        assertThat(ref.waitFor(10, TimeUnit.MINUTES)).as("uninterrupted run finishes").isTrue();
        assertThat(ref.exitValue()).as("uninterrupted run's exit code; log:%n%s", log(tmp.resolve("ref.log"))).isZero();
        long refMillis = (System.nanoTime() - t0) / 1_000_000;

        Path dir = tmp.resolve("killed.run"), json = tmp.resolve("killed.json");
        Rng rng = Rng.seeded(20261202);
        List<String> killedAt = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            Path logFile = tmp.resolve("attempt-" + attempt + ".log");
            Process p = start(experiment, dir, json, attempt > 0, logFile);
            if (attempt < KILLS) {
                long delay = 2_500 + rng.nextInt((int) Math.max(1_000, refMillis / 3));
                if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
                    killedAt.add(delay + " ms: " + progress(dir));
                    everythingOnDiskLoads(dir);
                    continue;
                }
            }
            assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as("attempt %d's exit code; log:%n%s", attempt, log(logFile)).isZero();
            break;
        }
        System.out.printf("KillResumeTest: uninterrupted run %d ms; SIGKILL after %s%n", refMillis, killedAt);
        assertThat(killedAt).as("kills that landed before the run ended").hasSizeGreaterThanOrEqualTo(2);

        JsonNode a = ResultFiles.JSON.readTree(refJson.toFile()), b = ResultFiles.JSON.readTree(json.toFile());
        assertThat(b.get("rows")).as("rows after kills at %s", killedAt).isEqualTo(a.get("rows"));
        for (int i = 0; i < a.get("finetunes").size(); i++) {
            JsonNode fa = a.get("finetunes").get(i), fb = b.get("finetunes").get(i);
            assertThat(fb.get("steps")).isEqualTo(fa.get("steps"));
            assertThat(fb.get("finalLoss").asDouble()).as("final loss of %s", fa.get("stage")).isEqualTo(fa.get("finalLoss").asDouble());
        }
        for (String sub : new String[] {"models", "adv"}) {
            TreeMap<String, byte[]> ra = files(refDir.resolve(sub)), rb = files(dir.resolve(sub));
            assertThat(rb.keySet()).isEqualTo(ra.keySet());
            for (String f : ra.keySet()) assertThat(java.util.Arrays.equals(rb.get(f), ra.get(f))).as("%s/%s is bit-identical", sub, f).isTrue();
        }
    }

    private Process start(Path experiment, Path runDir, Path out, boolean resume, Path logFile) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), KeyshieldCli.class.getName(),
                "table", "--experiment", experiment.toString(), "--run-dir", runDir.toString(), "--out", out.toString()));
        if (resume) cmd.add("--resume");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().put("OMP_NUM_THREADS", "2");
        return pb.start();
    }

    /** Every checkpoint, stage result, weight file and adversarial batch in the run directory can be read. */
    private static void everythingOnDiskLoads(Path dir) throws IOException {
        for (Path f : list(dir)) {
            String name = f.getFileName().toString();
            if (name.endsWith(".tmp")) continue;                                   // a temp file a kill left behind; never read
            if (f.startsWith(dir.resolve("checkpoints"))) assertThat(Checkpoint.read(f).step()).isPositive();
            else if (f.startsWith(dir.resolve("models"))) assertThat(Safetensors.read(f)).isNotEmpty();
            else if (name.endsWith(".npz")) assertThat(Npz.read(f)).containsKey("x_adv");
            else if (name.endsWith(".json")) assertThat(ResultFiles.JSON.readTree(f.toFile())).isNotNull();
        }
    }

    private static String progress(Path dir) throws IOException {
        List<String> parts = new ArrayList<>();
        for (Path f : list(dir))
            if (f.startsWith(dir.resolve("checkpoints"))) parts.add(f.getFileName() + "@" + Checkpoint.read(f).step());
            else if (f.startsWith(dir.resolve("stages"))) parts.add(f.getFileName().toString());
        return parts.toString();
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static TreeMap<String, byte[]> files(Path dir) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        for (Path f : list(dir)) if (!f.getFileName().toString().endsWith(".tmp")) out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
        return out;
    }

    private static String log(Path f) throws IOException { return Files.exists(f) ? Files.readString(f) : "(no log)"; }
}
