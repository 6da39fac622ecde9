/** Training classifier pipelines: the recipe record and the training loop (one scope per step). */
package keyshield.experiments.train;
