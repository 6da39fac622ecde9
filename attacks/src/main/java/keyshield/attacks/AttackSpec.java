package keyshield.attacks;

/**
 * The options of one attack, as a validated record; {@link #build()} gives the algorithm. The budget
 * (norm and ε) is not part of the options (in experiment JSON the field {@code "attack"} names the kind): it is the {@link ThreatModel} passed to {@link Attacks#run}.
 */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME, property = "attack")
@com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = FgsmSpec.class, name = "fgsm"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = PgdSpec.class, name = "pgd"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = ApgdSpec.class, name = "apgd"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = FabSpec.class, name = "fab"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = SquareSpec.class, name = "square"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = DeepFoolSpec.class, name = "deepfool")})
public sealed interface AttackSpec permits FgsmSpec, PgdSpec, ApgdSpec, FabSpec, SquareSpec, DeepFoolSpec {
    Attack build();
}
