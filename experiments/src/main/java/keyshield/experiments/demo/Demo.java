package keyshield.experiments.demo;

import keyshield.attacks.AttackResult;
import keyshield.attacks.Attacks;
import keyshield.attacks.Classifier;
import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.defense.BlockShuffle;
import keyshield.defense.SecretKey;
import keyshield.experiments.data.Augmentation;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.eval.Accuracy;
import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.Provenance;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.train.TrainRecipe;
import keyshield.experiments.train.Trainer;
import keyshield.lora.Lora;
import keyshield.lora.LoraConfig;
import keyshield.lora.LoraModel;
import keyshield.nn.Module;
import keyshield.nn.Normalize;
import keyshield.nn.Sequential;
import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main job at small scale, end to end in minutes on 2 cores: pre-train a small ViT on plain images,
 * fine-tune keyed copies (block-wise pixel shuffle with a secret key), attack them all with PGD under
 * the paper's three threat models, and print a Table-I-shaped table.
 *
 * <ul>
 *   <li>white-box: the attacker differentiates through the defended model, key included;</li>
 *   <li>non-adaptive: adversarial examples crafted on the plain pre-trained model, evaluated on the keyed one;</li>
 *   <li>adaptive: the attacker fine-tunes a substitute with a guessed key the same way and attacks that.</li>
 * </ul>
 * Each block size gets a fully fine-tuned and a LoRA fine-tuned keyed model (rank 16 on qkv and the
 * patch embedding, head trainable); both face the adversarial examples of the same fully fine-tuned
 * substitute.
 */
public final class Demo {
    private Demo() {}

    /** Sizes of the run; {@link #standard()} fits in about ten minutes on 2 cores. */
    public record Settings(ViTConfig vit, int trainImages, double pretrainEpochs, double finetuneEpochs, int testImages,
                           int attackImages, double eps, int pgdSteps, long seed) {
        public static Settings standard() {
            ViTConfig c = new ViTConfig(32, 4, 3, 10, 64, 4, 4, 2.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN);
            return new Settings(c, 60_000, 1.0, 0.5, 2_000, 500, 0.1, 10, 2026);
        }

        /** A seconds-long run for tests. */
        public static Settings tiny() {
            ViTConfig c = new ViTConfig(32, 4, 3, 10, 16, 1, 2, 2.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN);
            return new Settings(c, 512, 1.0, 0.5, 128, 64, 0.1, 3, 7);
        }
    }

    /** One row of the table: accuracies in percent, null where the protocol does not apply. */
    public record Row(String model, double clean, Double whitebox, Double nonadaptive, Double adaptive, long trainable) {}

    /** The whole result, as written to JSON. */
    public record Result(Settings settings, List<Row> rows, Provenance provenance) {}

    public static Result run(Dataset train, Dataset test, Settings s, PrintStream out, Path json) throws IOException {
        var clock = Provenance.start();
        Rng root = Rng.seeded(s.seed());
        Dataset trainSet = train.size() > s.trainImages() ? train.subset(range(s.trainImages())) : train;
        Dataset testSet = test.size() > s.testImages() ? test.subset(range(s.testImages())) : test;
        List<Augmentation> aug = Augmentation.cifar();
        TrainRecipe pretrain = pretrainRecipe(s.pretrainEpochs());
        TrainRecipe finetune = new TrainRecipe(s.finetuneEpochs(), 128, 5e-4, 0.05, 0.1, 0.1, aug);
        TrainRecipe loraRecipe = new TrainRecipe(s.finetuneEpochs(), 128, 1e-3, 0, 0.1, 0.1, aug);       // the cifarCpu LoRA recipe: no weight decay

        out.printf("Pre-training a ViT (%,d parameters) on %,d plain images...%n", s.vit().parameterCount(), trainSet.size());
        VisionTransformer plain = new VisionTransformer(s.vit(), root.split("init"));
        Module plainModel = new Sequential(Normalize.half(3), plain);
        Trainer.train(plainModel, trainSet, pretrain, root.split("pretrain"), "pretrain");

        int[] attackIdx = range(Math.min(s.attackImages(), testSet.size()));
        INDArray xAtt = Scope.outside(() -> testSet.images(attackIdx));
        int[] yAtt = testSet.labels(attackIdx);
        ThreatModel threat = ThreatModel.linf(s.eps());
        PgdSpec pgd = new PgdSpec(s.pgdSteps(), 2.5 * s.eps() / s.pgdSteps(), true, LossReduction.MEAN, Targeting.UNTARGETED);

        AttackResult onPlain = attack(plainModel, pgd, xAtt, yAtt, threat, root.split("pgd-plain"));
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("plain", accuracy(plainModel, testSet), 100 * onPlain.robustAccuracy(), null, null, plain.parameterCount()));
        List<String> fingerprints = new ArrayList<>();
        for (int m : new int[] {4, 8}) {
            SecretKey key = SecretKey.fromSeed(root.split("key", m).nextLong(), m, 3);
            SecretKey guess = SecretKey.fromSeed(root.split("guess", m).nextLong(), m, 3);
            fingerprints.add(key.fingerprint());
            out.printf("Fine-tuning with key %s (M = %d) and a substitute with a guessed key %s...%n", key.fingerprint(), m, guess.fingerprint());
            Module keyed = finetuned(plain, trainSet, s, key, finetune, root.split("finetune", m), "key M=" + m);
            Module substitute = finetuned(plain, trainSet, s, guess, finetune, root.split("substitute", m), "substitute M=" + m);
            AttackResult white = attack(keyed, pgd, xAtt, yAtt, threat, root.split("pgd-white", m));
            AttackResult onSubstitute = attack(substitute, pgd, xAtt, yAtt, threat, root.split("pgd-substitute", m));
            rows.add(new Row("key M=" + m + " full", accuracy(keyed, testSet), 100 * white.robustAccuracy(),
                    transfer(keyed, onPlain.xAdv(), yAtt), transfer(keyed, onSubstitute.xAdv(), yAtt), plain.parameterCount()));
            VisionTransformer loraBase = new VisionTransformer(s.vit(), root.split("lora-init", m));
            loraBase.loadStateDict(plain.stateDict(), true);
            LoraModel lora = Lora.apply(loraBase, LoraConfig.paper(16), root.split("lora", m));
            Module loraKeyed = new Sequential(new BlockShuffle(key).asModule(), Normalize.half(3), loraBase);
            out.printf("LoRA fine-tuning (r 16 on qkv and the patch embedding, head trainable) with key %s...%n", key.fingerprint());
            Trainer.train(loraKeyed, trainSet, loraRecipe, root.split("lora-finetune", m), "key M=" + m + " lora");
            AttackResult loraWhite = attack(loraKeyed, pgd, xAtt, yAtt, threat, root.split("pgd-lora", m));
            rows.add(new Row("key M=" + m + " lora", accuracy(loraKeyed, testSet), 100 * loraWhite.robustAccuracy(),
                    transfer(loraKeyed, onPlain.xAdv(), yAtt), transfer(loraKeyed, onSubstitute.xAdv(), yAtt), lora.trainableCount()));
        }
        MarkdownTable table = new MarkdownTable("model", "#clean", "#white-box", "#non-adaptive", "#adaptive", "#trainable");
        for (Row r : rows)
            table.row(r.model(), MarkdownTable.pct(r.clean()), MarkdownTable.pct(r.whitebox()), MarkdownTable.pct(r.nonadaptive()),
                    MarkdownTable.pct(r.adaptive()), r.trainable());
        Result result = new Result(s, rows, clock.finish(List.of(s.seed()), fingerprints));
        out.printf("%nAccuracy (%%) on %,d test images (clean) and %d attacked images, PGD-%d L∞ eps %.3f:%n%n%s%nwall time %.0f s; result written to %s%n",
                testSet.size(), attackIdx.length, s.pgdSteps(), s.eps(), table, result.provenance().wallSeconds(), json);
        ResultFiles.writeJson(json, result);
        return result;
    }

    /**
     * Pre-training of the demo's ViT from scratch on plain images: AdamW lr 2e-3, weight decay 0.05, batch 128,
     * label smoothing 0.1, 10% warm-up, random crop and flip.
     */
    public static TrainRecipe pretrainRecipe(double epochs) { return new TrainRecipe(epochs, 128, 2e-3, 0.05, 0.1, 0.1, Augmentation.cifar()); }

    /** A copy of the plain model fine-tuned on images transformed with {@code key}: f_K = g(t_K(x)). */
    private static Module finetuned(VisionTransformer plain, Dataset train, Settings s, SecretKey key, TrainRecipe r, Rng rng, String label) {
        VisionTransformer copy = new VisionTransformer(s.vit(), rng.split("init"));
        copy.loadStateDict(plain.stateDict(), true);
        Module pipeline = new Sequential(new BlockShuffle(key).asModule(), Normalize.half(3), copy);
        Trainer.train(pipeline, train, r, rng, label);
        return pipeline;
    }

    private static AttackResult attack(Module model, PgdSpec pgd, INDArray x, int[] y, ThreatModel threat, Rng rng) {
        model.eval();
        return Attacks.run(pgd, Classifier.of(model::forward, model.parameters()), x, y, threat, rng);
    }

    /** Accuracy (%) of {@code model} on adversarial examples crafted elsewhere. */
    private static double transfer(Module model, INDArray xAdv, int[] y) {
        model.eval();
        try (var step = Scope.open(); var noGrad = GradMode.off()) {
            INDArray pred = model.forward(Tensor.constant(xAdv)).value().argMax(1);
            int correct = 0;
            for (int i = 0; i < y.length; i++) if (pred.getInt(i) == y[i]) correct++;
            return 100.0 * correct / y.length;
        }
    }

    private static double accuracy(Module model, Dataset test) { return Accuracy.of(model, test, 250, done -> { }).percent(); }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
