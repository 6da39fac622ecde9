/** Evaluating classifiers on datasets: clean accuracy (robust accuracy lives with the attacks). */
package keyshield.experiments.eval;
