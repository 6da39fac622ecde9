package keyshield.defense.wavelet;

import keyshield.tensor.io.Npz;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;

/** dwt_golden.npz (PyWavelets 1.1.1 / scikit-image 0.19.3), copied into the test resources (319 KB). */
final class GoldenFile {
    private GoldenFile() {}

    private static Map<String, INDArray> arrays;

    static synchronized Map<String, INDArray> arrays() {
        if (arrays == null) {
            try {
                Path p = Path.of(GoldenFile.class.getResource("/wavelet/dwt_golden.npz").toURI());
                arrays = Npz.read(p);
            } catch (Exception e) {
                throw new AssertionError("cannot read the wavelet golden file: " + e, e);
            }
        }
        return arrays;
    }

    static INDArray get(String key) {
        INDArray a = arrays().get(key);
        if (a == null) throw new AssertionError("golden file has no '" + key + "'; it holds " + arrays().keySet());
        return a;
    }

    /** Channel c of a (H, W, C) golden image as a plane. */
    static double[][] channel(String key, int c) {
        INDArray img = get(key);                                             // (H, W, C)
        return Planes.of(img.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(c)));           // (H, W)
    }

    static double maxAbsDiff(double[][] a, double[][] b) {
        if (a.length != b.length || a[0].length != b[0].length)
            throw new AssertionError("shape " + a.length + "×" + a[0].length + " vs " + b.length + "×" + b[0].length);
        double m = 0;
        for (int r = 0; r < a.length; r++)
            for (int c = 0; c < a[0].length; c++) m = Math.max(m, Math.abs(a[r][c] - b[r][c]));
        return m;
    }
}
