package keyshield.attacks;

/**
 * One sample's outcome under one attack, the unit a {@link RobustEvaluation} records and resumes from.
 *
 * @param index        the sample's index in the dataset
 * @param attack       the attack's name (unique within the evaluation)
 * @param label        the true label
 * @param cleanCorrect the target classifies the clean image correctly
 * @param robust       the target classifies the adversarial image correctly
 * @param prediction   the target's prediction on the adversarial image
 * @param zeroGradient the crafting classifier's input gradient at the clean image is zero
 * @param perturbation ‖x_adv − x‖_p in the threat model's norm
 */
public record SampleResult(long index, String attack, int label, boolean cleanCorrect, boolean robust, int prediction,
                           boolean zeroGradient, double perturbation) {
    public SampleResult {
        if (index < 0) throw new IllegalArgumentException("sample result: negative index " + index);
        if (attack == null || attack.isEmpty()) throw new IllegalArgumentException("sample result: attack name is empty");
    }
}
