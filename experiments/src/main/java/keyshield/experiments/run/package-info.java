/**
 * Typed, resumable experiments: each is a validated record that determines its result, executed by the
 * {@link keyshield.experiments.run.Runner} stage by stage in a {@link keyshield.experiments.run.RunDir}, and
 * ending in a result record that embeds the experiment, its {@link keyshield.experiments.report.Provenance}
 * and its Markdown table.
 *
 * <table>
 *   <caption>The experiments and what they measure</caption>
 *   <tr><th>record</th><th>executor</th><th>what it produces</th></tr>
 *   <tr><td>{@link keyshield.experiments.run.Pretrain}</td><td>{@link keyshield.experiments.run.PretrainRun}</td>
 *       <td>a ViT trained from scratch on plain images, as a timm weight file; its clean accuracy</td></tr>
 *   <tr><td>{@link keyshield.experiments.run.KeyedFinetune}</td><td>{@link keyshield.experiments.run.KeyedFinetuneRun}</td>
 *       <td>f_K = g′(norm(t_K(x))): full or LoRA fine-tuning on keyed images, a merged timm file (and the adapter); clean accuracy</td></tr>
 *   <tr><td>{@link keyshield.experiments.run.RobustEval}</td><td>{@link keyshield.experiments.run.RobustEvalRun}</td>
 *       <td>clean and robust accuracy (eq. 4) of one defended model under a white-box, non-adaptive or adaptive attack</td></tr>
 *   <tr><td>{@link keyshield.experiments.run.TableOne}</td><td>{@link keyshield.experiments.run.TableOneRun}</td>
 *       <td>Table I: block sizes × {full, LoRA} under all three threat models</td></tr>
 *   <tr><td>{@link keyshield.experiments.run.ParamTable}</td><td>{@link keyshield.experiments.run.ParamTableRun}</td>
 *       <td>Table II: total and trainable parameters, from the shapes</td></tr>
 *   <tr><td>{@link keyshield.experiments.run.EpsSweep}</td><td>{@link keyshield.experiments.run.EpsSweepRun}</td>
 *       <td>Fig. 4: accuracy as ε grows, one curve per model, with a PNG plot</td></tr>
 * </table>
 *
 * <p>The pieces they share: {@link keyshield.experiments.run.DataSource} (where images come from),
 * {@link keyshield.experiments.run.BaseModel} (a weight file, its heads and {@link keyshield.experiments.run.Normalization}),
 * {@link keyshield.experiments.run.KeySource} (a key file, a seeded research key, or none; experiments and results
 * hold only fingerprints), {@link keyshield.experiments.run.DefendedModel} (weights plus key, as deployed),
 * {@link keyshield.experiments.run.KeyedModel} (the pipeline t_K → normalize → ViT, full or LoRA),
 * {@link keyshield.experiments.run.Finetuning} (one resumable fine-tuning stage), and
 * {@link keyshield.experiments.run.Evaluate} (clean accuracy, adversarial examples crafted batch by batch, accuracy on them).
 *
 * <p><b>Resuming.</b> Every stage saves its result when it finishes, training saves checkpoints, and
 * attacks save each batch of examples; all randomness is split from the experiment's seed by stage
 * name and batch number. So a run killed at any moment and started again with {@code --resume} does only
 * the missing work and ends with the numbers an uninterrupted run would have produced.
 */
package keyshield.experiments.run;
