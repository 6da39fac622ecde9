package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Square Attack (Andriushchenko, Croce, Flammarion &amp; Hein, ECCV 2020), the score-based black-box member
 * of AutoAttack, for ℓ∞ and ℓ2. It only queries logits, so a masked gradient cannot fool it.
 *
 * <p>The loss is the margin L(x) = z_y − max_{k≠y} z_k (to be driven below 0). Each iteration proposes
 * one change on a random s × s window of every not-yet-fooled image, queries the model once, and keeps
 * the change if the loss decreased (or the image became misclassified). The window side is
 * s = round(√(p·H·W)) with p following the paper's schedule from p_init, halved after 10, 50, 200,
 * 500, 1000, 2000, 4000, 6000 and 8000 iterations.
 * <ul>
 *   <li>ℓ∞: start from vertical stripes x + ε·(±1) per (channel, column); a proposal sets the window to
 *       ±2ε per channel (one sign per channel for the whole batch, as in the reference) and projects.</li>
 *   <li>ℓ2: start from a grid of "η" patterns (concentric-square weights ±1/(r+1)², eq. in §3.2 of the
 *       paper); a proposal moves the perturbation mass of a second window into the first, rescaled so
 *       that ‖δ‖₂ = ε, with a fresh η pattern on top.</li>
 * </ul>
 */
public final class Square extends Attack {
    private final SquareSpec spec;

    public Square(SquareSpec spec) { this.spec = spec; }

    @Override public SquareSpec spec() { return spec; }

    @Override public String name() { return "square"; }

    @Override Output perturb(Problem p, Rng rng) {
        INDArray adv = Scope.outside(() -> p.x().dup());
        boolean[] correct = new boolean[p.batch()];
        try (var s = Scope.open()) {
            int[] pred = AttackLosses.predictions(p.cleanLogits());
            for (int i = 0; i < correct.length; i++) correct[i] = pred[i] == p.y()[i];
        }
        int[] idx = Apgd.indices(correct);
        if (idx.length == 0) return new Output(adv, null);
        Problem sub = p.subset(idx);
        INDArray found = p.norm() == Norm.LINF ? linf(sub, rng) : l2(sub, rng);
        for (int i = 0; i < idx.length; i++) adv.putRow(idx[i], found.getRow(i));
        return new Output(adv, null);
    }

    /** p at iteration {@code it} (the reference's schedule, written for 10,000 iterations). */
    double pSelection(int it) {
        if (spec.rescaleSchedule()) it = (int) ((double) it / spec.queries() * 10000);
        double p = spec.pInit();
        if (it > 8000) return p / 512;
        if (it > 6000) return p / 256;
        if (it > 4000) return p / 128;
        if (it > 2000) return p / 64;
        if (it > 1000) return p / 32;
        if (it > 500) return p / 16;
        if (it > 200) return p / 8;
        if (it > 50) return p / 4;
        if (it > 10) return p / 2;
        return p;
    }

    private INDArray linf(Problem p, Rng rng) {
        int n = p.batch(), c = (int) p.imageShape()[0], h = (int) p.imageShape()[1], w = (int) p.imageShape()[2];
        double eps = p.eps();
        INDArray xBest;
        double[] marginMin;
        try (var s = Scope.open()) {
            INDArray stripes = randomSigns(rng, p.x().dataType(), n, c, 1, w).broadcast(n, c, h, w).reshape('c', n, (long) c * h * w);   // (n, D)
            xBest = Scope.keep(p.norm().project(p.x(), p.x().add(stripes.mul(eps)), eps).dup());
            marginMin = AttackLosses.margin(p.logits(xBest), p.y());
        }
        double[] lossMin = marginMin.clone();
        for (int it = 0; it < spec.queries(); it++) {
            int[] idx = indicesAbove(marginMin);
            if (idx.length == 0) break;
            try (var s = Scope.open()) {
                int side = Math.min(Math.max((int) Math.round(Math.sqrt(pSelection(it) * h * w)), 1), Math.min(h, w));
                int vh = (int) ((h - side) * rng.nextDouble()), vw = (int) ((w - side) * rng.nextDouble());
                INDArray window = Nd4j.zeros(p.x().dataType(), 1, c, h, w);
                INDArray signs = randomSigns(rng, p.x().dataType(), 1, c, 1, 1);
                for (int ch = 0; ch < c; ch++)
                    window.get(win(ch, vh, vw, side)).assign(2 * eps * signs.getDouble(ch));
                INDArray xCurr = p.x().getRows(idx), bestCurr = xBest.getRows(idx);                    // (m, D)
                INDArray proposal = p.norm().project(xCurr, bestCurr.addRowVector(window.reshape('c', 1, (long) c * h * w)), eps);
                accept(p, idx, proposal, xBest, marginMin, lossMin);
            }
        }
        return xBest;
    }

    private INDArray l2(Problem p, Rng rng) {
        int n = p.batch(), c = (int) p.imageShape()[0], h = (int) p.imageShape()[1], w = (int) p.imageShape()[2];
        long d = (long) c * h * w;
        double eps = p.eps();
        INDArray xBest;
        double[] marginMin;
        try (var s = Scope.open()) {
            INDArray init = Nd4j.zeros(p.x().dataType(), n, c, h, w);                       // (n, C, H, W)
            int side = Math.max(h / 5, 1);                                                 // the reference's grid of 5 × 5 windows
            int start = (h - side * 5) / 2;
            if (start < 0) start = 0;
            for (int vh = start; vh + side <= h && (vh - start) / side < h / side; vh += side)
                for (int vw = start; vw + side <= w && (vw - start) / side < w / side; vw += side) {
                    INDArray pattern = eta(side, rng, p.x().dataType());                      // (s, s)
                    INDArray signs = randomSigns(rng, p.x().dataType(), n, c, 1, 1);
                    INDArrayIndex[] at = {NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.interval(vh, vh + side), NDArrayIndex.interval(vw, vw + side)};
                    INDArray cur = init.get(at);
                    cur.addi(pattern.reshape(1, 1, side, side).broadcast(n, c, side, side).mul(signs.broadcast(n, c, side, side)));
                }
            INDArray delta = init.reshape('c', n, d);
            INDArray unit = delta.divColumnVector(Norm.column(delta.norm2(1)).addi(1e-12));
            xBest = Scope.keep(clip01(p.x().add(unit.muli(eps))).dup());
            marginMin = AttackLosses.margin(p.logits(xBest), p.y());
        }
        double[] lossMin = marginMin.clone();
        for (int it = 0; it < spec.queries(); it++) {
            int[] idx = indicesAbove(marginMin);
            if (idx.length == 0) break;
            try (var s = Scope.open()) {
                int m = idx.length;
                INDArray xCurr = p.x().getRows(idx), bestCurr = xBest.getRows(idx);                    // (m, D)
                INDArray delta = bestCurr.sub(xCurr).reshape('c', m, c, h, w);                        // (m, C, H, W)
                int side = (int) Math.max(Math.round(Math.sqrt(pSelection(it) * h * w)), 3);
                if (side % 2 == 0) side++;
                side = Math.min(side, Math.min(h, w));
                int vh = (int) ((h - side) * rng.nextDouble()), vw = (int) ((w - side) * rng.nextDouble());
                int vh2 = (int) ((h - side) * rng.nextDouble()), vw2 = (int) ((w - side) * rng.nextDouble());
                INDArrayIndex[] w1 = windowAll(vh, vw, side), w2 = windowAll(vh2, vw2, side);

                INDArray normWindow1 = windowNorms(delta.get(w1).dup());                              // (m, C, 1, 1)
                INDArray normImage = bestCurr.sub(xCurr).norm2(1);                                   // (m)
                INDArray mask = Nd4j.zeros(delta.dataType(), m, c, h, w);
                mask.get(w1).assign(1);
                mask.get(w2).assign(1);
                INDArray normWindows = windowNorms(delta.mul(mask));                                 // (m, C, 1, 1)

                INDArray fresh = eta(side, rng, delta.dataType()).reshape(1, 1, side, side).broadcast(m, c, side, side)
                        .mul(randomSigns(rng, delta.dataType(), m, c, 1, 1).broadcast(m, c, side, side));              // (m, C, s, s)
                INDArray old = delta.get(w1).div(normWindow1.add(1e-12).broadcast(m, c, side, side));
                INDArray moved = fresh.addi(old);
                // room left in the budget, shared equally by the channels, plus the mass of both windows
                INDArray room = Transforms.max(normImage.mul(normImage).rsubi(eps * eps), 0.0, false).divi(c)
                        .reshape(m, 1, 1, 1).broadcast(m, c, 1, 1).add(normWindows.mul(normWindows));
                INDArray target = Transforms.sqrt(room, false);                                       // (m, C, 1, 1)
                moved = moved.div(windowNorms(moved).add(1e-12).broadcast(m, c, side, side))
                        .mul(target.broadcast(m, c, side, side));
                INDArray newDelta = delta.dup();
                newDelta.get(w2).assign(0);
                newDelta.get(w1).assign(moved);
                INDArray flat = newDelta.reshape('c', m, d);
                INDArray unit = flat.divColumnVector(Norm.column(flat.norm2(1)).addi(1e-12));
                INDArray proposal = clip01(xCurr.add(unit.muli(eps)));
                accept(p, idx, proposal, xBest, marginMin, lossMin);
            }
        }
        return xBest;
    }

    /** One query: keep the proposal where the loss dropped or the image is now misclassified. */
    private static void accept(Problem p, int[] idx, INDArray proposal, INDArray xBest, double[] marginMin, double[] lossMin) {
        int[] ys = new int[idx.length];
        for (int i = 0; i < idx.length; i++) ys[i] = p.y()[idx[i]];
        double[] margin = AttackLosses.margin(p.logits(proposal), ys);
        for (int i = 0; i < idx.length; i++) {
            int b = idx[i];
            boolean improved = margin[i] < lossMin[b];
            if (improved) lossMin[b] = margin[i];
            if (improved || margin[i] <= 0) {
                marginMin[b] = margin[i];
                xBest.putRow(b, proposal.getRow(i));
            }
        }
    }

    /**
     * The ℓ2 proposal pattern η of side s: the upper half holds concentric rectangles weighted 1/(r+1)²,
     * the lower half the same with a minus sign; unit ℓ2 norm; transposed with probability ½.
     */
    static INDArray eta(int s, Rng rng, DataType dtype) {
        double[][] delta = new double[s][s];
        double[][] top = etaRectangles(s / 2, s), bottom = etaRectangles(s - s / 2, s);
        for (int i = 0; i < s / 2; i++) delta[i] = top[i];
        for (int i = s / 2; i < s; i++) for (int j = 0; j < s; j++) delta[i][j] = -bottom[i - s / 2][j];
        normalize(delta);
        boolean transpose = rng.nextDouble() > 0.5;
        double[][] out = new double[s][s];
        for (int i = 0; i < s; i++) for (int j = 0; j < s; j++) out[i][j] = transpose ? delta[j][i] : delta[i][j];
        return Nd4j.createFromArray(out).castTo(dtype);
    }

    private static double[][] etaRectangles(int x, int y) {
        double[][] delta = new double[x][y];
        int xc = x / 2 + 1, yc = y / 2 + 1;
        int r0 = xc - 1, c0 = yc - 1;
        for (int r = 0; r < Math.max(xc, yc); r++) {
            for (int i = Math.max(r0, 0); i < Math.min(r0 + 2 * r + 1, x); i++)
                for (int j = Math.max(c0, 0); j < Math.min(c0 + 2 * r + 1, y); j++)
                    delta[i][j] += 1.0 / ((r + 1.0) * (r + 1.0));
            r0--;
            c0--;
        }
        normalize(delta);
        return delta;
    }

    private static void normalize(double[][] a) {
        double ss = 0;
        for (double[] row : a) for (double v : row) ss += v * v;
        double n = Math.sqrt(ss);
        if (n > 0) for (double[] row : a) for (int j = 0; j < row.length; j++) row[j] /= n;
    }

    /** ±1 with equal probability. */
    private static INDArray randomSigns(Rng rng, DataType dtype, long... shape) {
        INDArray u = rng.uniform(dtype, 0, 1, shape);
        return Transforms.sign(u.subi(0.5), false);
    }

    private static INDArray windowNorms(INDArray a) {
        return Transforms.sqrt(a.mul(a).sum(true, 2, 3), false);                            // (m, C, 1, 1)
    }

    private static INDArray clip01(INDArray a) { return Transforms.min(Transforms.max(a, 0.0, false), 1.0, false); }

    private static INDArrayIndex[] win(int ch, int vh, int vw, int side) {
        return new INDArrayIndex[] {NDArrayIndex.point(0), NDArrayIndex.point(ch),
                NDArrayIndex.interval(vh, vh + side), NDArrayIndex.interval(vw, vw + side)};
    }

    private static INDArrayIndex[] windowAll(int vh, int vw, int side) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(vh, vh + side), NDArrayIndex.interval(vw, vw + side)};
    }

    private static int[] indicesAbove(double[] margin) {
        boolean[] f = new boolean[margin.length];
        for (int i = 0; i < f.length; i++) f[i] = margin[i] > 0;
        return Apgd.indices(f);
    }
}
