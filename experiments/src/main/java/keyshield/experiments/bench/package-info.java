/** {@code keyshield bench}: our workloads against PyTorch on the same machine, side by side. */
package keyshield.experiments.bench;
