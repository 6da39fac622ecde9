package keyshield.experiments.run;

import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.experiments.data.Augmentation;
import keyshield.experiments.data.Idx;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.train.TrainRecipe;
import keyshield.lora.LoraConfig;
import keyshield.tensor.Rng;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A seconds-sized world for end-to-end tests of experiments: Fashion-MNIST-format IDX files of
 * synthetic images (class c is a bright 8×8 square at one of ten positions, on noise), read as
 * 3×32×32 by {@link DataSource.FashionMnistIdx}, and a tiny random ViT (img 32, patch 8, width 16,
 * one block, two heads) written as safetensors to stand for the pre-trained model. {@link #pretrained()}
 * is that ViT really pre-trained on the images by a {@link Pretrain} run, once per JVM: the base of the
 * fine-tuning and attack tests.
 */
public final class TinyWorld {
    public static final ViTConfig VIT = new ViTConfig(32, 8, 3, 10, 16, 1, 2, 2.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN);

    final Path dir, data, weights;

    private TinyWorld(Path dir) {
        this.dir = dir;
        this.data = dir.resolve("fashion");
        this.weights = dir.resolve("tiny-vit.safetensors");
    }

    /** Writes the data set (train and test splits of {@code n} images each) and the base model into {@code dir}. */
    static TinyWorld create(Path dir, int n, long seed) throws IOException { return create(dir, n, n, seed); }

    /** Writes the data set ({@code train} training and {@code test} test images) and the base model into {@code dir}. */
    static TinyWorld create(Path dir, int train, int test, long seed) throws IOException {
        TinyWorld w = new TinyWorld(dir);
        Files.createDirectories(w.data);
        Rng rng = Rng.seeded(seed);
        writeSplit(w.data, "train", train, rng.split("train"));
        writeSplit(w.data, "t10k", test, rng.split("test"));
        VisionTransformer vit = new VisionTransformer(VIT, rng.split("vit"));
        Safetensors.write(w.weights, vit.stateDict(), Map.of());
        return w;
    }

    BaseModel base() { return new BaseModel(weights, VIT.numHeads(), List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5)); }

    public DataSource source() { return new DataSource.FashionMnistIdx(data); }

    /** A Table I grid at toy scale: M = 4, full and LoRA, 12 training steps each, PGD-3 on 32 images, a checkpoint every 2 steps. */
    TableOne tableOne() {
        TrainRecipe full = new TrainRecipe(1, 16, 1e-3, 0.05, 0.1, 0.1, Augmentation.cifar());
        TrainRecipe lora = new TrainRecipe(1, 16, 3e-3, 0, 0.1, 0.1, Augmentation.cifar());
        return new TableOne("tiny", source(), base(), List.of(4), List.of(Tuning.FULL, Tuning.LORA), full, lora, LoraConfig.paper(4),
                List.of(new PgdSpec(3, 0.04, true, LossReduction.MEAN, Targeting.UNTARGETED)), ThreatModel.linf(0.1),
                192, 96, 3, 32, 32, 8, 2, 11);
    }

    /** Quick training: batch 16, AdamW lr 5e-2 (a tiny ViT learns this task from scratch in 75 steps from any seed tried), no weight decay, no smoothing, no augmentation; an epoch of 400 images is 25 steps. */
    public static TrainRecipe recipe(double epochs) { return new TrainRecipe(epochs, 16, 5e-2, 0, 0, 0.1, List.of()); }

    /** The tiny ViT pre-trained from scratch by a {@link Pretrain} run (3 epochs over 400 images), its run and its result. */
    public record Pretrained(DataSource data, Pretrain experiment, Path runDir, Path resultJson, PretrainRun.Result result) {
        /** Its weight file as a base model. */
        public BaseModel base() { return experiment.trained(); }
    }

    private static Pretrained pretrained;

    /** Runs the tiny pre-training once per JVM, in a temporary folder removed at exit. */
    public static synchronized Pretrained pretrained() throws IOException {
        if (pretrained != null) return pretrained;
        Path root = Files.createTempDirectory("keyshield-tiny-world");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(root)));
        DataSource data = create(root, 400, 100, 1).source();
        Pretrain p = new Pretrain("tiny-pretrain", data, VIT, Normalization.half(3), recipe(3), 0, 0, 50, 10, 1, root.resolve("out/tiny.safetensors"));
        Path runDir = root.resolve("pretrain.run"), json = root.resolve("pretrain.json");
        PretrainRun.Result r = (PretrainRun.Result) Runner.run(p, runDir, false, json, sink()).result();
        pretrained = new Pretrained(data, p, runDir, json, r);
        return pretrained;
    }

    /** {@code value} written as JSON by {@link ResultFiles#writeJson} and read back as a {@code type}. */
    public static <T> T roundTrip(Path dir, Object value, Class<T> type) throws IOException {
        Path file = Files.createTempFile(dir, "round-trip", ".json");
        ResultFiles.writeJson(file, value);
        return ResultFiles.readJson(file, type);
    }

    /** A print stream that drops what is printed. */
    public static PrintStream sink() { return new PrintStream(OutputStream.nullOutputStream(), true); }

    /**
     * Every file of a run directory with its modification time, except the booked time ({@code time.json})
     * and the list of invocations ({@code invocations.json}), which every invocation updates: equal before
     * and after a resumed run when it rewrote nothing.
     */
    public static TreeMap<Path, FileTime> work(Path runDir) throws IOException {
        TreeMap<Path, FileTime> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(runDir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) out.put(runDir.relativize(f), Files.getLastModifiedTime(f));
        }
        out.remove(Path.of("time.json"));
        out.remove(Path.of("invocations.json"));
        return out;
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder: what is left, the OS removes
        }
    }

    private static void writeSplit(Path dir, String prefix, int n, Rng rng) throws IOException {
        int side = 28;
        byte[] pixels = new byte[n * side * side], labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = (byte) c;
            int top = 2 + (c / 5) * 12, left = 1 + (c % 5) * 5;
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++) {
                    boolean square = y >= top && y < top + 8 && x >= left && x < left + 8;
                    pixels[i * side * side + y * side + x] = (byte) (square ? 200 + rng.nextInt(56) : rng.nextInt(60));
                }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), idx(Idx.IMAGES_MAGIC, new int[] {n, side, side}, pixels));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(Idx.LABELS_MAGIC, new int[] {n}, labels));
    }

    private static byte[] idx(int magic, int[] dims, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length).putInt(magic);
        for (int d : dims) b.putInt(d);
        return b.put(body).array();
    }
}
