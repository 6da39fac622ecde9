package keyshield.experiments.run;

import keyshield.attacks.AttackSpec;
import keyshield.attacks.Norm;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.ThreatModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's Fig. 4: white-box robust accuracy (eq. 4) of several models as the budget ε grows, one
 * curve per model. Every (model, ε) pair is attacked on the same test images, positions 0, k, 2k, …
 * ({@code attackEvery} = k), at most {@code attackImages} of them, spread evenly. At ε = 0 the harness
 * projects every example back onto x itself, so the first point of each curve is the model's clean
 * accuracy: a check of the whole pipeline, not a special case.
 *
 * <p>The result is written as JSON, a Markdown table (models × ε) and a PNG line plot beside the JSON.
 *
 * @param name         short name
 * @param data         the test images
 * @param models       the defended models, one curve each; labels distinct
 * @param norm         the norm of the budget
 * @param eps          the budgets, strictly increasing, each ≥ 0, e.g. 0, 1/255, 2/255, 4/255, 8/255, 16/255
 * @param attack       the attack run at every ε
 * @param step         how a PGD step size follows ε
 * @param attackEvery  k: attacked images are test positions 0, k, 2k, …
 * @param attackImages at most this many attacked images (0: no limit)
 * @param evalBatch    batch size of evaluation
 * @param attackBatch  batch size of attacks
 * @param seed         root of the attacks' randomness
 */
public record EpsSweep(String name, DataSource data, List<DefendedModel> models, Norm norm, List<Double> eps, AttackSpec attack, StepRule step,
                       int attackEvery, int attackImages, int evalBatch, int attackBatch, long seed) implements Experiment {

    /** How the attack's step size follows the budget. */
    public enum StepRule {
        /**
         * PGD's step α = ε/4, so its 10 steps can travel 2.5·ε, Madry et al.'s ratio, at every ε (at ε = 0,
         * where every point projects to x, the spec's own α is used). Needs a {@link PgdSpec}.
         */
        QUARTER_EPS,
        /** The spec as it is, at every ε. */
        FIXED
    }

    public EpsSweep {
        String where = "EpsSweep " + Fields.name("EpsSweep", name);
        Fields.given(where, "data", data);
        models = Fields.nonEmpty(where, "models", models);
        Map<String, String> slugs = new HashMap<>();
        for (DefendedModel m : models) {
            String clash = slugs.put(RunDir.slug(m.label()), m.label());
            if (clash != null) throw new IllegalArgumentException(where + ": models '" + clash + "' and '" + m.label() + "' need distinct labels");
        }
        Fields.given(where, "norm", norm);
        eps = Fields.nonEmpty(where, "eps", eps);
        for (int i = 0; i < eps.size(); i++) {
            double e = eps.get(i);
            if (!(e >= 0) || Double.isInfinite(e)) throw new IllegalArgumentException(where + ": eps values must be finite and >= 0 but are " + eps);
            if (i > 0 && !(e > eps.get(i - 1))) throw new IllegalArgumentException(where + ": eps must be strictly increasing but is " + eps);
        }
        Fields.given(where, "attack", attack);
        Fields.given(where, "step", step);
        if (step == StepRule.QUARTER_EPS && !(attack instanceof PgdSpec))
            throw new IllegalArgumentException(where + ": step QUARTER_EPS sets a PGD step size, but attack is " + attack.build().name() + "; use FIXED");
        Fields.positive(where, "attackEvery", attackEvery);
        Fields.count(where, "attackImages", attackImages);
        Fields.positive(where, "evalBatch", evalBatch);
        Fields.positive(where, "attackBatch", attackBatch);
    }

    /** Fig. 4's budgets: L∞ ε ∈ {0, 1, 2, 4, 8, 16}/255. */
    public static List<Double> fig4Eps() { return List.of(0.0, 1 / 255.0, 2 / 255.0, 4 / 255.0, 8 / 255.0, 16 / 255.0); }

    /**
     * The plain CIFAR stand-in ({@code shared/models/vit_cifar_plain.safetensors}) under L∞ PGD-10 (α = ε/4,
     * random start) at {@link #fig4Eps()}, on 200 of the CIFAR-10 test images at positions 0, 10, 20, ….
     * Add keyed models (the weights {@link KeyedFinetune} writes, with their keys) to {@code models} for the figure.
     */
    public static EpsSweep cifarPlain(Path shared) {
        return new EpsSweep("sweep-cifar-plain", DataSource.Folder.cifar10(shared.resolve("data/cifar10")),
                List.of(DefendedModel.plain("plain", BaseModel.cifarPlain(shared.resolve("models/vit_cifar_plain.safetensors")))), Norm.LINF, fig4Eps(),
                TableOne.pgd10(), StepRule.QUARTER_EPS, 10, 200, 500, 100, 2026);
    }

    /** The threat model at budget {@code e}. */
    public ThreatModel threat(double e) { return new ThreatModel(norm, e); }

    /** The attack run at budget {@code e}: for {@link StepRule#QUARTER_EPS} a PGD with α = e/4 (the spec's α at e = 0). */
    public AttackSpec attackAt(double e) {
        if (step == StepRule.FIXED || e == 0) return attack;
        PgdSpec p = (PgdSpec) attack;
        return new PgdSpec(p.steps(), e / 4, p.randomStart(), p.reduction(), p.targeting());
    }

    /** A budget as a table heading: "8/255" when it is a whole number of 255ths, else the decimal. */
    public static String epsLabel(double e) {
        double k = e * 255;
        if (Math.abs(k - Math.rint(k)) < 1e-9) return e == 0 ? "0" : (long) Math.rint(k) + "/255";
        return String.format(Locale.ROOT, "%.4g", e);
    }

    @Override
    public void requireInputs() throws IOException {
        data.requireAvailable();
        for (DefendedModel m : models) m.requireAvailable();
    }
}
