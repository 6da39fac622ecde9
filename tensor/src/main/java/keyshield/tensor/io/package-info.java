/** Files: atomic writes ({@link keyshield.tensor.io.AtomicFiles}) and NumPy {@code .npz} archives ({@link keyshield.tensor.io.Npz}). */
package keyshield.tensor.io;
