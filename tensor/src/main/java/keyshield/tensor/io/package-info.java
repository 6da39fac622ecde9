/** Files: atomic writes ({@link keyshield.tensor.io.AtomicFiles}), strict small text files ({@link keyshield.tensor.io.TextFiles}) and NumPy {@code .npz} archives ({@link keyshield.tensor.io.Npz}). */
package keyshield.tensor.io;
