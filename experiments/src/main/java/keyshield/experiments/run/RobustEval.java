package keyshield.experiments.run;

import keyshield.attacks.AttackSpec;
import keyshield.attacks.ThreatModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Clean and robust accuracy of one defended model under one threat model (paper eq. 4):
 * <pre>
 *   robust accuracy = (1/N) · Σ_i 1[f_K(x_adv,i) = y_i],   x_adv,i crafted on the protocol's model, ‖x_adv,i − x_i‖_p ≤ ε
 * </pre>
 * over the test images at positions 0, k, 2k, … ({@code attackEvery} = k; CIFAR's test set is sorted by
 * class, so every 10th image gives 100 per class), at most {@code attackImages} of them spread evenly.
 * The clean accuracy is measured on the same images. Examples are crafted on the target itself
 * ({@link AttackProtocol#WHITE_BOX}) or on {@code source} and transferred ({@link AttackProtocol#NON_ADAPTIVE}:
 * the plain pre-trained model; {@link AttackProtocol#ADAPTIVE}: a substitute fine-tuned with a guessed key).
 * One attack runs through the checking harness; several run as an ensemble (AutoAttack's rule: a sample
 * counts as broken once one of them fools it).
 *
 * @param name         short name
 * @param data         the test images
 * @param target       the defended model evaluated
 * @param protocol     which model examples are crafted on
 * @param source       the source (non-adaptive) or substitute (adaptive) model; absent (null) for white-box
 * @param attacks      one attack, or several run as an ensemble
 * @param threat       norm and ε
 * @param attackEvery  k: attacked images are test positions 0, k, 2k, …
 * @param attackImages at most this many attacked images (0: no limit)
 * @param evalBatch    batch size of evaluation
 * @param attackBatch  batch size of attacks (examples are saved batch by batch, so a killed run resumes)
 * @param seed         root of the attacks' randomness
 */
public record RobustEval(String name, DataSource data, DefendedModel target, AttackProtocol protocol, DefendedModel source,
                         List<AttackSpec> attacks, ThreatModel threat, int attackEvery, int attackImages, int evalBatch, int attackBatch,
                         long seed) implements Experiment {
    public RobustEval {
        String where = "RobustEval " + Fields.name("RobustEval", name);
        Fields.given(where, "data", data);
        Fields.given(where, "target", target);
        Fields.given(where, "protocol", protocol);
        if (protocol.transfers() && source == null)
            throw new IllegalArgumentException(where + ": protocol " + protocol + " crafts on another model; source must be given"
                    + (protocol == AttackProtocol.ADAPTIVE ? " (the substitute, fine-tuned with a guessed key)" : " (e.g. the plain pre-trained model)"));
        if (!protocol.transfers() && source != null)
            throw new IllegalArgumentException(where + ": protocol WHITE_BOX crafts on the target itself; source must be absent (null) but is " + source.label());
        attacks = Fields.nonEmpty(where, "attacks", attacks);
        Fields.given(where, "threat", threat);
        Fields.positive(where, "attackEvery", attackEvery);
        Fields.count(where, "attackImages", attackImages);
        Fields.positive(where, "evalBatch", evalBatch);
        Fields.positive(where, "attackBatch", attackBatch);
    }

    /**
     * White-box L∞ PGD-10 (ε 8/255, steps of 2/255, random start) on the plain CIFAR stand-in
     * ({@code shared/models/vit_cifar_plain.safetensors}) over the 1,000 CIFAR-10 test images at positions 0, 10, 20, ….
     */
    public static RobustEval cifarPlainWhiteBox(Path shared) {
        return new RobustEval("eval-cifar-plain-white-box", DataSource.Folder.cifar10(shared.resolve("data/cifar10")),
                DefendedModel.plain("plain", BaseModel.cifarPlain(shared.resolve("models/vit_cifar_plain.safetensors"))), AttackProtocol.WHITE_BOX,
                null, List.of(TableOne.pgd10()), ThreatModel.linf(8.0 / 255), 10, 0, 500, 100, 2026);
    }

    /** The attacks' names for tables: "pgd", or "apgd-ce + apgd-t + fab-t + square". */
    public String attackLabel() { return attacks.stream().map(a -> a.build().name()).collect(Collectors.joining(" + ")); }

    /** The model examples are crafted on: the target for white-box, the source otherwise. */
    public DefendedModel craftedOn() { return protocol.transfers() ? source : target; }

    @Override
    public void requireInputs() throws IOException {
        data.requireAvailable();
        target.requireAvailable();
        if (source != null) source.requireAvailable();
    }
}
