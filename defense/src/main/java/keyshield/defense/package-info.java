/**
 * The keyed defense: a defended classifier is f_K(x) = g(t_K(x)) (eq. 1), with t_K a key-controlled
 * image transform applied before the classifier g.
 *
 * <ul>
 *   <li>{@link keyshield.defense.SecretKey}: key material, block size and channels; only its
 *       fingerprint is ever logged. {@link keyshield.defense.KeyFile} reads and writes key files.</li>
 *   <li>{@link keyshield.defense.PixelOrder}: how a block's values are laid out before permuting
 *       (row, column, channel by default).</li>
 *   <li>{@link keyshield.defense.BlockShuffle} and {@link keyshield.defense.NegPosTransform}: the keyed
 *       transforms, differentiable and composable ({@link keyshield.defense.KeyedTransform#andThen});
 *       {@link keyshield.defense.KeyedClassifier} is f_K.</li>
 *   <li>{@link keyshield.defense.KeyFolding}: the shuffle moved into a ViT's patch embedding when the
 *       block size equals the patch size; {@link keyshield.defense.KeyRecovery} estimates the key back
 *       from weights; {@link keyshield.defense.KeyEntropy} sizes the key space.</li>
 * </ul>
 * See {@code defense/README.md} for a guide.
 */
package keyshield.defense;
