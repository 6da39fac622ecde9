package keyshield.experiments.run;

import keyshield.attacks.DeepFoolSpec;
import keyshield.attacks.FgsmSpec;
import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.defense.wavelet.Wavelet;
import keyshield.experiments.train.TrainRecipe;
import keyshield.nn.resnet.ResNetConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The wavelet denoising defense evaluated as it was published, then against an attacker who knows it.
 *
 * <p><b>The defense.</b> A classifier g sees clip(denoise(x), 0, 1) instead of x, where denoise is
 * scikit-image's {@code denoise_wavelet}: decompose each colour plane with a 2-D wavelet transform, shrink
 * every detail coefficient towards zero by a threshold (BayesShrink picks one per sub-band from the noise
 * level σ it estimates), reconstruct. Adversarial perturbations of a few /255 look like noise to it, so the
 * hope is that they are removed while the image is kept (a high PSNR between x and denoise(x)).
 *
 * <p><b>The experiment.</b> Three ResNets are trained from scratch: {@code standard} on plain images, and one
 * per denoiser on images passed through that denoiser ({@code haar-trained}, {@code db2-trained}), so the
 * network is used to denoised inputs. Each network is evaluated with and without its denoiser (the standard
 * one with each), on clean test images and on adversarial examples of
 * <ul>
 *   <li><b>transfer attacks</b> ({@code transferAttacks}: FGSM, BIM, DeepFool) crafted once on the undefended
 *       standard network: the published threat model, where the attacker does not know the defense;</li>
 *   <li><b>adaptive attacks</b> ({@code adaptiveAttacks}: BPDA-PGD) crafted on every pipeline itself. The
 *       denoiser is not usefully differentiable (thresholding has zero or misleading gradients), so the
 *       attack uses BPDA (Athalye, Carlini and Wagner 2018): forward through the exact denoiser, backward as if
 *       it were the identity, ∂denoise(x)/∂x ≈ I, sound because denoise(x) ≈ x. On a pipeline without a
 *       denoiser this is plain white-box PGD.</li>
 * </ul>
 * A defense that only works against the first kind is gradient obfuscation, not robustness; the adaptive
 * row shows what survives. PSNR and MSE of each denoiser on the clean test images show how much it changes
 * natural images.
 *
 * @param name            short name, e.g. {@code cifar-wavelet}
 * @param data            training and test images
 * @param resnet          the architecture of all three networks (its numClasses must match the data)
 * @param recipe          training recipe of each network (AdamW, one-cycle)
 * @param denoisers       the input denoisers, each with its own trained network; distinct names
 * @param transferAttacks crafted on the standard network without denoising, evaluated on every pipeline
 * @param adaptiveAttacks crafted on and evaluated on every pipeline (BPDA through its denoiser); may be empty
 * @param trainImages     training images used, spread evenly over the set (0: all)
 * @param testImages      test images for clean accuracy and PSNR/MSE, spread evenly (0: all)
 * @param attackEvery     attacked images are test positions 0, attackEvery, 2·attackEvery, …
 * @param attackImages    at most this many attacked images, spread evenly over those (0: no limit)
 * @param evalBatch       batch size of evaluation
 * @param attackBatch     batch size of attacks
 * @param checkpointEvery training steps between checkpoints
 * @param seed            the root of every random choice (initialisation, batches, attacks)
 */
public record WaveletDefense(String name, DataSource data, ResNetConfig resnet, TrainRecipe recipe, List<Denoiser> denoisers,
                             List<NamedAttack> transferAttacks, List<NamedAttack> adaptiveAttacks, int trainImages, int testImages,
                             int attackEvery, int attackImages, int evalBatch, int attackBatch, int checkpointEvery, long seed)
        implements Experiment {
    /** The network trained on plain images. */
    public static final String STANDARD = "standard";

    public WaveletDefense {
        String w = "WaveletDefense " + Fields.name("WaveletDefense", name);
        Fields.given(w, "data", data);
        Fields.given(w, "resnet", resnet);
        Fields.given(w, "recipe", recipe);
        denoisers = Fields.nonEmpty(w, "denoisers", denoisers);
        transferAttacks = Fields.nonEmpty(w, "transferAttacks", transferAttacks);
        adaptiveAttacks = List.copyOf(Fields.given(w, "adaptiveAttacks", adaptiveAttacks));
        List<String> names = denoisers.stream().map(Denoiser::name).toList();
        if (names.stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().count() != names.size())
            throw new IllegalArgumentException(w + ": denoisers must have distinct names (they name networks, columns and files) but are " + names);
        List<String> attacks = new ArrayList<>();
        transferAttacks.forEach(a -> attacks.add(a.name()));
        adaptiveAttacks.forEach(a -> attacks.add(a.name()));
        if (attacks.stream().map(RunDir::slug).distinct().count() != attacks.size())
            throw new IllegalArgumentException(w + ": transferAttacks and adaptiveAttacks must have distinct names (they name rows and files) but are " + attacks);
        Fields.count(w, "trainImages", trainImages);
        Fields.count(w, "testImages", testImages);
        Fields.count(w, "attackImages", attackImages);
        Fields.positive(w, "attackEvery", attackEvery);
        Fields.positive(w, "evalBatch", evalBatch);
        Fields.positive(w, "attackBatch", attackBatch);
        Fields.positive(w, "checkpointEvery", checkpointEvery);
    }

    /**
     * The CIFAR-10 reproduction on 2 CPU cores: ResNet-18 (CIFAR stem, 11.2 M parameters) trained three times,
     * standard, on Haar-denoised and on db2-denoised images, then FGSM and BIM at ε ∈ {0.004, 0.007, 0.01}
     * and DeepFool crafted on the standard network, and BPDA-PGD at ε = 0.01 on every pipeline.
     *
     * <p><b>Denoisers</b>: scikit-image's defaults, BayesShrink with soft thresholds, σ estimated per image and
     * channel, levels max(dwt_max_level − 3, 1) (2 for Haar, 1 for db2 at 32 px). db2 is the Daubechies
     * wavelet: on clean CIFAR-10 test images (every 50th) BayesShrink keeps 43.5 dB PSNR with Haar, 49.6 dB
     * with db2 and 56.3 dB with db4; db4 changes an image by 0.0033 rms, less than the smallest ε, so it would
     * leave the perturbations it is meant to remove nearly untouched.
     *
     * <p><b>Attacks</b> (ℓ∞ unless said): FGSM, one step of ε·sign(∇L); BIM as foolbox's
     * {@code LinfBasicIterativeAttack}, 10 steps of 0.2·ε from x itself (no random start), projected onto the
     * ε-ball; DeepFool with its paper's settings (ℓ2, 50 iterations, overshoot 0.02, all 10 classes), with an ℓ2
     * budget of √(3·32·32), the diameter of the image cube, so it is unbounded; BPDA-PGD, 10 steps of ε/4 from a
     * random start (Madry et al.), with the BPDA identity backward through the denoiser. Losses are summed
     * cross-entropy. Attacked images: the 500 test images at positions 0, 20, 40, … (50 per class); clean
     * accuracy and PSNR/MSE on 2,000 test images spread evenly (200 per class).
     *
     * <p><b>Training</b>: AdamW (lr 2e-3 peak, weight decay 0.05) under a one-cycle schedule with 15% warm-up,
     * batch 64, no label smoothing and no augmentation: 0.6 epoch over all 50,000 training images, i.e. 469
     * steps and 30,000 image passes per network, each image seen at most once (so augmentation would add
     * nothing). Adam-type updates reach a usable accuracy in far fewer steps than SGD at this budget.
     *
     * <p><b>Budget</b>, measured on this machine with {@code ResNet(resnet18Cifar(10))} behind (x − 0.5)/0.5, AdamW:
     * training ran at 3–9 img/s at batch 64 and 128 while three other JVMs shared the 2 cores (load 6–10), a lower
     * bound; the process's own CPU time was 2 CPU-seconds per 30–32 training images, so alone on 2 cores it cannot
     * pass about 30 img/s. Evaluation forwards: 20–28 img/s loaded, ≈ 100 img/s per 2 CPU-seconds; denoising a
     * 32×32 RGB image takes 2–4 ms. The budget assumes 20 img/s training and 70 img/s forward alone (two thirds
     * of the CPU-time bound) and then comes to about 2.4 hours:
     * <ul>
     *   <li>training, 3 × 30,000 images: ≈ 78 min (denoising the batches of the two denoised networks included);</li>
     *   <li>transfer attacks on the standard network: FGSM 3 × ≈ 2 and BIM 3 × ≈ 11 forward-backward passes an
     *       image, DeepFool 1 forward and 10 backward passes per iteration (≈ 5 iterations per batch assumed):
     *       ≈ 26 min;</li>
     *   <li>BPDA-PGD, ≈ 12 passes an image on each of the 7 pipelines: ≈ 29 min;</li>
     *   <li>evaluation, 7 pipelines on 2,000 clean and 8 × 500 adversarial sets, and PSNR/MSE: ≈ 10 min.</li>
     * </ul>
     * At 30 img/s it is about 1.6 hours, at 15 img/s about 3.2. Measured on 2026-12-04: 1 h 30 min
     * ({@code docs/results.md}; training at 26–35 img/s). A scaled-down trial:
     * {@code ./keyshield table --preset cifarWavelet --train-images 3200 --epochs 1 --test-images 500 --attack-images 50}.
     *
     * @param shared the folder holding {@code data/cifar10} (JPEG folders {@code train/}, {@code test/})
     */
    public static WaveletDefense cifarWavelet(Path shared) {
        List<NamedAttack> transfer = new ArrayList<>();
        for (double eps : new double[] {0.004, 0.007, 0.01}) transfer.add(fgsm(eps));
        for (double eps : new double[] {0.004, 0.007, 0.01}) transfer.add(bim(eps));
        transfer.add(deepFool(3 * 32 * 32));
        return new WaveletDefense("cifar-wavelet", DataSource.Folder.cifar10(shared.resolve("data/cifar10")), ResNetConfig.resnet18Cifar(10),
                new TrainRecipe(0.6, 64, 2e-3, 0.05, 0, 0.15, List.of()),
                List.of(Denoiser.bayesSoft("haar", Wavelet.HAAR), Denoiser.bayesSoft("db2", Wavelet.DB2)),
                List.copyOf(transfer), List.of(bpdaPgd(0.01)), 0, 2000, 20, 500, 250, 50, 50, 2026);
    }

    /** FGSM at ℓ∞ ε: x + ε·sign(∇x L), summed cross-entropy. */
    public static NamedAttack fgsm(double eps) { return new NamedAttack("FGSM eps=" + eps, FgsmSpec.standard(), ThreatModel.linf(eps)); }

    /** BIM at ℓ∞ ε as foolbox's LinfBasicIterativeAttack: 10 steps of 0.2·ε from x, projected onto the ε-ball. */
    public static NamedAttack bim(double eps) {
        return new NamedAttack("BIM eps=" + eps, new PgdSpec(10, 0.2 * eps, false, LossReduction.SUM, Targeting.UNTARGETED), ThreatModel.linf(eps));
    }

    /** DeepFool (ℓ2, 50 iterations, overshoot 0.02, 10 candidates), unbounded: ε is the diameter √D of the image cube [0, 1]^D. */
    public static NamedAttack deepFool(int imageValues) {
        return new NamedAttack("DeepFool", DeepFoolSpec.standard(), ThreatModel.l2(Math.sqrt(imageValues)));
    }

    /** The adaptive attack: ℓ∞ PGD at ε, 10 steps of ε/4 from a random start, through the denoiser with BPDA's identity backward. */
    public static NamedAttack bpdaPgd(double eps) {
        return new NamedAttack("BPDA-PGD eps=" + eps, PgdSpec.madry(10, eps / 4), ThreatModel.linf(eps));
    }

    /** The same experiment on evenly spread subsets of the data, with shorter training: for tests and trying things out. */
    public WaveletDefense scaledDown(int trainImages, int testImages, int attackImages, double epochs) {
        return new WaveletDefense(name, data, resnet, recipe.withEpochs(epochs), denoisers, transferAttacks, adaptiveAttacks, trainImages,
                testImages, attackEvery, attackImages, evalBatch, attackBatch, checkpointEvery, seed);
    }

    /** The networks in table order: {@code standard}, then one per denoiser ({@code haar-trained}, …). */
    public List<String> networks() {
        List<String> n = new ArrayList<>(List.of(STANDARD));
        denoisers.forEach(d -> n.add(d.networkName()));
        return n;
    }

    @Override
    public void requireInputs() throws IOException { data.requireAvailable(); }
}
