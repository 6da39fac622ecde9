package keyshield.experiments.run;

import com.fasterxml.jackson.databind.JsonNode;
import keyshield.experiments.report.Provenance;
import keyshield.experiments.report.ResultFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The directory of one experiment run: what has been computed so far, so that a run stopped at any
 * moment (SIGKILL included) continues with {@code --resume} where it stopped.
 * <pre>
 *   experiment.json           the experiment, as given; a resumed run must be the same experiment
 *   stages/&lt;stage&gt;.json      the result of each finished stage (an evaluation, a fine-tune's summary)
 *   checkpoints/&lt;stage&gt;.safetensors   the latest state of an unfinished training stage
 *   models/&lt;stage&gt;.safetensors        the weights a finished training stage produced
 *   adv/&lt;stage&gt;/batch-NNNN.npz        adversarial examples, one file per finished batch
 *   time.json                 compute seconds booked so far, over every invocation
 *   invocations.json          when each invocation started and the commit its code was built from
 * </pre>
 * Every file is written atomically, so each one is either absent or complete. A stage's result file is
 * written last, after the files it refers to.
 *
 * <p><b>Time.</b> Whenever work is saved, {@link #book()} adds the seconds since the previous save to
 * {@code time.json}, so the run's compute time survives kills; only the unsaved work of a killed
 * invocation (at most one checkpoint interval or one batch) goes uncounted.
 */
public final class RunDir {
    private final Path root;
    private final List<Provenance.Invocation> invocations;
    private double bookedSeconds;
    private long lastBook = System.nanoTime();

    private RunDir(Path root, double bookedSeconds, List<Provenance.Invocation> invocations) {
        this.root = root;
        this.bookedSeconds = bookedSeconds;
        this.invocations = List.copyOf(invocations);
    }

    /**
     * Opens {@code root} for {@code experiment}. A directory that already holds a run is refused unless
     * {@code resume} is set, and a resumed run must be the same experiment (compared as JSON).
     */
    public static RunDir open(Path root, Object experiment, boolean resume) throws IOException {
        Objects.requireNonNull(root, "run directory");
        Path file = root.resolve("experiment.json");
        JsonNode given = ResultFiles.JSON.readTree(ResultFiles.JSON.writeValueAsString(experiment));   // as parsed from a file (int vs long nodes alike)
        if (Files.exists(file)) {
            if (!resume)
                throw new IllegalStateException("run directory " + root + " already holds a run; pass --resume to continue it, "
                        + "or choose another --run-dir");
            JsonNode saved;
            try {
                saved = ResultFiles.JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException("cannot resume: " + file + " is not readable JSON: " + e.getMessage(), e);
            }
            if (!saved.equals(given))
                throw new IllegalStateException("cannot resume: " + file + " holds another experiment than the one given;\n  saved: "
                        + saved + "\n  given: " + given);
        } else {
            ResultFiles.writeJson(file, given);
        }
        Path time = root.resolve("time.json");
        double booked = Files.exists(time) ? ResultFiles.JSON.readTree(time.toFile()).path("seconds").asDouble(0) : 0;
        return new RunDir(root, booked, recordInvocation(root.resolve("invocations.json")));
    }

    /** The invocations saved in {@code file} (none in a run begun before they were recorded) and this one, saved back. */
    private static List<Provenance.Invocation> recordInvocation(Path file) throws IOException {
        List<Provenance.Invocation> all = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                all.addAll(List.of(ResultFiles.JSON.readValue(file.toFile(), Provenance.Invocation[].class)));
            } catch (IOException e) {
                throw new IOException("cannot resume: " + file + " is not a readable list of invocations: " + e.getMessage(), e);
            }
        }
        all.add(Provenance.Invocation.now());
        ResultFiles.writeJson(file, all);
        return all;
    }

    /** Every invocation that worked on this run, this one last. */
    public List<Provenance.Invocation> invocations() { return invocations; }

    /** Adds the time since the last booking to the run's compute time and saves it. */
    public synchronized void book() {
        long now = System.nanoTime();
        bookedSeconds += (now - lastBook) / 1e9;
        lastBook = now;
        try {
            ResultFiles.writeJson(root.resolve("time.json"), java.util.Map.of("seconds", bookedSeconds));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + root.resolve("time.json"), e);
        }
    }

    /** Compute seconds booked so far (see {@link #book()}). */
    public synchronized double bookedSeconds() { return bookedSeconds; }

    public Path root() { return root; }

    /** A file-name-safe form of a stage name: "finetune key M=4 full" → "finetune-key-m4-full". */
    public static String slug(String stage) {
        String s = stage.toLowerCase(Locale.ROOT).replace("=", "").replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-|-$)", "");
        if (s.isEmpty()) throw new IllegalArgumentException("stage name '" + stage + "' has no letters or digits");
        return s;
    }

    public Path checkpoint(String stage) { return root.resolve("checkpoints").resolve(slug(stage) + ".safetensors"); }

    public Path model(String stage) { return root.resolve("models").resolve(slug(stage) + ".safetensors"); }

    public Path adversarial(String stage, int batch) {
        return root.resolve("adv").resolve(slug(stage)).resolve(String.format(Locale.ROOT, "batch-%04d.npz", batch));
    }

    /** Work that produces a JSON-serialisable result. */
    @FunctionalInterface
    public interface StageBody<T> {
        T run() throws IOException;
    }

    /** The saved result of a stage that must have finished. */
    public <T> T saved(String name, Class<T> type) throws IOException {
        Path file = stageFile(name);
        if (!Files.exists(file)) throw new IllegalStateException("stage '" + name + "' has no saved result " + file);
        return read(name, file, type);
    }

    private Path stageFile(String name) { return root.resolve("stages").resolve(slug(name) + ".json"); }

    private static <T> T read(String name, Path file, Class<T> type) throws IOException {
        try {
            return ResultFiles.readJson(file, type);
        } catch (IOException e) {
            throw new IOException("stage '" + name + "': cannot read its saved result " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The result of stage {@code name}: read from {@code stages/<name>.json} when an earlier invocation
     * finished it, otherwise computed by {@code body} and saved.
     */
    public <T> T stage(String name, Class<T> type, StageBody<T> body) throws IOException {
        Path file = stageFile(name);
        if (Files.exists(file)) return read(name, file, type);
        T result = body.run();
        ResultFiles.writeJson(file, result);
        book();
        return result;
    }
}
