package keyshield.attacks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs one {@link Protocol} over a dataset in batches: for every named attack, adversarial examples are
 * crafted on {@link Protocol#crafting()} through {@link Attacks#run} and evaluated on
 * {@link Protocol#target()}. Every sample's outcome is kept as a {@link SampleResult}; a run given the
 * results of an earlier, interrupted run skips the (sample, attack) pairs already done, so an evaluation
 * can be resumed. Results are saved as JSON ({@link #save}, atomically) after every batch when a path is
 * given.
 *
 * <p>Attack randomness for batch i and attack a comes from {@code rng.split(a, i)}: independent of
 * which batches were already done, so a resumed run gives the same numbers as an uninterrupted one.
 */
public final class RobustEvaluation {
    private final Protocol protocol;
    private final ThreatModel threat;
    private final LinkedHashMap<String, AttackSpec> attacks;

    /** One batch of the dataset: images (B, C, H, W) in [0,1], labels, and the index of its first sample. */
    public record Batch(long firstIndex, INDArray x, int[] y) {
        public Batch {
            if (firstIndex < 0) throw new IllegalArgumentException("batch: negative first index " + firstIndex);
            Objects.requireNonNull(x, "batch: x");
            Objects.requireNonNull(y, "batch: y");
            if (x.rank() == 0 || x.size(0) != y.length)
                throw new IllegalArgumentException("batch: " + y.length + " labels for images of shape " + keyshield.tensor.ShapeException.show(x.shape()));
        }
    }

    /**
     * The summary of a run.
     *
     * @param samples         number of distinct samples seen
     * @param cleanAccuracy   target's accuracy on clean images
     * @param robustAccuracy  per attack: target's accuracy on that attack's examples
     * @param worstCase       accuracy when a sample must survive every attack
     * @param zeroGradient    per attack: samples whose crafting gradient was zero
     */
    public record Report(int samples, double cleanAccuracy, Map<String, Double> robustAccuracy, double worstCase,
                         Map<String, Integer> zeroGradient) {}

    /** @param attacks attack name → options, run in this order */
    public RobustEvaluation(Protocol protocol, ThreatModel threat, Map<String, AttackSpec> attacks) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.threat = Objects.requireNonNull(threat, "threat");
        if (attacks == null || attacks.isEmpty()) throw new IllegalArgumentException("robust evaluation: no attacks given");
        this.attacks = new LinkedHashMap<>(attacks);
    }

    /** A fresh run. */
    public List<SampleResult> run(Iterable<Batch> batches, Rng rng, Path checkpoint) {
        return resume(batches, List.of(), rng, checkpoint);
    }

    /**
     * Continues a run: (sample, attack) pairs present in {@code previous} are not attacked again. The
     * returned list holds the previous results followed by the new ones; with a checkpoint path, it is
     * saved after every batch.
     */
    public List<SampleResult> resume(Iterable<Batch> batches, List<SampleResult> previous, Rng rng, Path checkpoint) {
        List<SampleResult> results = new ArrayList<>(previous);
        Set<String> done = new HashSet<>();
        for (SampleResult r : previous) done.add(r.attack() + "#" + r.index());
        long batchNumber = 0;
        for (Batch batch : batches) {
            long bi = batchNumber++;
            for (var entry : attacks.entrySet()) {
                String name = entry.getKey();
                int[] todo = pending(batch, name, done);
                if (todo.length == 0) continue;
                INDArray xs = rows(batch, todo);
                int[] ys = new int[todo.length];
                long[] index = new long[todo.length];
                for (int i = 0; i < todo.length; i++) { ys[i] = batch.y()[todo[i]]; index[i] = batch.firstIndex() + todo[i]; }
                AttackResult r = Attacks.run(entry.getValue(), protocol.crafting(), xs, ys, threat, rng.split(name, bi));
                evaluate(xs, ys, index, r, name, results::add);
                for (int i : todo) done.add(name + "#" + (batch.firstIndex() + i));
            }
            if (checkpoint != null) save(checkpoint, results);
        }
        return results;
    }

    private void evaluate(INDArray x, int[] y, long[] index, AttackResult r, String name, Consumer<SampleResult> out) {
        int[] cleanPred, advPred;
        try (var s = Scope.open(); var off = GradMode.off()) {
            Classifier target = protocol.target();
            cleanPred = AttackLosses.predictions(target.logits(Tensor.constant(x)).value());
            advPred = target == protocol.crafting() ? r.predictions()
                    : AttackLosses.predictions(target.logits(Tensor.constant(r.xAdv())).value());
        }
        for (int i = 0; i < y.length; i++)
            out.accept(new SampleResult(index[i], name, y[i], cleanPred[i] == y[i],
                    advPred[i] == y[i], advPred[i], r.zeroGradient()[i], r.perturbationNorms()[i]));
    }

    /** Summarises results: accuracies over the distinct samples seen. */
    public static Report report(List<SampleResult> results) {
        Map<Long, Boolean> clean = new LinkedHashMap<>();
        Map<Long, Boolean> worst = new LinkedHashMap<>();
        Map<String, int[]> perAttack = new LinkedHashMap<>();          // attack → {robust, total, zeroGradient}
        for (SampleResult r : results) {
            clean.putIfAbsent(r.index(), r.cleanCorrect());
            worst.merge(r.index(), r.robust() && r.cleanCorrect(), Boolean::logicalAnd);
            int[] c = perAttack.computeIfAbsent(r.attack(), k -> new int[3]);
            if (r.robust()) c[0]++;
            c[1]++;
            if (r.zeroGradient()) c[2]++;
        }
        Map<String, Double> acc = new LinkedHashMap<>();
        Map<String, Integer> zero = new LinkedHashMap<>();
        perAttack.forEach((k, c) -> { acc.put(k, (double) c[0] / c[1]); zero.put(k, c[2]); });
        int n = clean.size();
        return new Report(n, n == 0 ? 0 : count(clean) / (double) n, acc, n == 0 ? 0 : count(worst) / (double) n, zero);
    }

    private static long count(Map<Long, Boolean> m) { return m.values().stream().filter(b -> b).count(); }

    private static int[] pending(Batch b, String attack, Set<String> done) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < b.y().length; i++) if (!done.contains(attack + "#" + (b.firstIndex() + i))) idx.add(i);
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The images of samples {@code idx} (offsets into the batch). */
    private static INDArray rows(Batch b, int[] idx) {
        if (idx.length == b.y().length) return b.x();
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) l[i] = idx[i];
        return Scope.outside(() -> b.x().get(org.nd4j.linalg.indexing.NDArrayIndex.indices(l)).dup());
    }

    // ---------------------------------------------------------------- persistence

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes results as a JSON array, atomically (temp file in the same directory, fsync, rename). */
    public static void save(Path path, List<SampleResult> results) {
        try {
            byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(results);
            keyshield.tensor.io.AtomicFiles.write(path, out -> out.write(json));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("robust evaluation: cannot save results to " + path, e);
        }
    }

    /** Reads results written by {@link #save}; a corrupt file is an error naming the file. */
    public static List<SampleResult> load(Path path) {
        try {
            return JSON.readValue(path.toFile(), new TypeReference<List<SampleResult>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("robust evaluation: " + path + " is not a results file: " + e.getMessage(), e);
        }
    }
}
