package keyshield.experiments.run;

import keyshield.attacks.AttackSpec;
import keyshield.attacks.ThreatModel;

import java.util.Objects;

/**
 * One row of an attack table: an attack with its own budget, under the label the table prints
 * ({@code FGSM eps=0.004}). Tables like the wavelet defense's give each ε its own row, so the budget
 * travels with the attack instead of being one experiment-wide {@link ThreatModel}.
 *
 * @param name   the row label; also names the attack's stages in the run directory
 * @param attack the algorithm and its options
 * @param threat norm and ε; for a minimum-norm attack (DeepFool) a budget large enough never to bind
 */
public record NamedAttack(String name, AttackSpec attack, ThreatModel threat) {
    public NamedAttack {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("NamedAttack: name must be given");
        RunDir.slug(name);                                                   // must name a file: some letters or digits
        Objects.requireNonNull(attack, "NamedAttack " + name + ": attack");
        Objects.requireNonNull(threat, "NamedAttack " + name + ": threat");
    }
}
