package keyshield.defense;

/**
 * The linear assignment problem (Hungarian method, Kuhn–Munkres with potentials, O(n³)): for an n×n
 * cost matrix, the permutation a minimizing Σ_i cost[i][a[i]].
 */
final class Assignment {
    private Assignment() {}

    /** a[i] = the column assigned to row i. */
    static int[] minimize(double[][] cost) {
        int n = cost.length;
        double[] u = new double[n + 1], v = new double[n + 1];              // row and column potentials
        int[] match = new int[n + 1];                                        // match[j] = row of column j (1-based; 0 = free)
        int[] way = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            if (cost[i - 1].length != n) throw new IllegalArgumentException("assignment: cost matrix row " + (i - 1) + " has " + cost[i - 1].length + " entries, expected " + n);
            match[0] = i;
            int j0 = 0;
            double[] minv = new double[n + 1];
            boolean[] used = new boolean[n + 1];
            java.util.Arrays.fill(minv, Double.POSITIVE_INFINITY);
            do {                                                             // grow an alternating tree until a free column is reached
                used[j0] = true;
                int i0 = match[j0], j1 = 0;
                double delta = Double.POSITIVE_INFINITY;
                for (int j = 1; j <= n; j++) {
                    if (used[j]) continue;
                    double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) { u[match[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (match[j0] != 0);
            do {                                                             // flip the augmenting path
                int j1 = way[j0];
                match[j0] = match[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] a = new int[n];
        for (int j = 1; j <= n; j++) a[match[j] - 1] = j - 1;
        return a;
    }
}
