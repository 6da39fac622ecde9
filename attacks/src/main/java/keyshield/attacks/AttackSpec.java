package keyshield.attacks;

/**
 * The options of one attack, as a validated record; {@link #build()} gives the algorithm. The budget
 * (norm and ε) is not part of the options: it is the {@link ThreatModel} passed to {@link Attacks#run}.
 */
public sealed interface AttackSpec permits FgsmSpec, PgdSpec, ApgdSpec, FabSpec, SquareSpec, DeepFoolSpec {
    Attack build();
}
