package keyshield.nn.optim;

/**
 * A learning rate as a function of the optimizer step (0 for the first update). Each variant is a
 * validated record; set the optimizer's rate before each step:
 * {@code opt.setLearningRate(schedule.lr(step))}.
 */
public sealed interface LrSchedule permits LrSchedule.Constant, LrSchedule.WarmupCosine, LrSchedule.OneCycle {
    /** The learning rate for step {@code step} (0-based). */
    double lr(long step);

    /** The same rate at every step. */
    record Constant(double lr) implements LrSchedule {
        public Constant {
            if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("Constant: lr must be finite and ≥ 0 but is " + lr);
        }

        @Override public double lr(long step) { return lr; }
    }

    /**
     * Linear warm-up from 0 to {@code baseLr} over {@code warmupSteps}, then cosine decay to {@code minLr}
     * at {@code totalSteps} (and {@code minLr} after it):
     * <pre>
     *   lr(s) = baseLr · s / W                                            for s &lt; W
     *   lr(s) = baseLr − (baseLr − minLr) · ½(1 − cos(π·(s − W)/(T − W)))   for W ≤ s ≤ T
     * </pre>
     * The peak, lr(W) = baseLr, is reached exactly at the end of the warm-up.
     */
    record WarmupCosine(double baseLr, double minLr, long warmupSteps, long totalSteps) implements LrSchedule {
        public WarmupCosine {
            if (!(baseLr > 0) || Double.isInfinite(baseLr)) throw new IllegalArgumentException("WarmupCosine: baseLr must be finite and > 0 but is " + baseLr);
            if (!(minLr >= 0 && minLr <= baseLr)) throw new IllegalArgumentException("WarmupCosine: minLr must be in [0, baseLr = " + baseLr + "] but is " + minLr);
            if (warmupSteps < 0) throw new IllegalArgumentException("WarmupCosine: warmupSteps must be ≥ 0 but is " + warmupSteps);
            if (totalSteps <= warmupSteps)
                throw new IllegalArgumentException("WarmupCosine: totalSteps (" + totalSteps + ") must exceed warmupSteps (" + warmupSteps + ")");
        }

        @Override public double lr(long step) {
            checkStep(step);
            if (step < warmupSteps) return baseLr * step / warmupSteps;
            double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
            return baseLr - (baseLr - minLr) * 0.5 * (1 - Math.cos(Math.PI * progress));   // exactly baseLr at the peak
        }
    }

    /**
     * PyTorch's {@code OneCycleLR} (two phases, cosine annealing; Smith &amp; Topin, "Super-Convergence",
     * 2018). The rate starts at initial = maxLr / divFactor, rises to maxLr at step e₁ = pctStart·T − 1,
     * then falls to initial / finalDivFactor at step e₂ = T − 1, each phase by
     * anneal(a, b, p) = b + (a − b)/2 · (cos(π·p) + 1) with p the fraction of the phase done. As in
     * PyTorch, step T is still defined (past the end) and later steps are an error. PyTorch also cycles
     * SGD's momentum (or Adam's β₁) inversely to the rate by default; this schedule gives the rate only.
     */
    record OneCycle(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor) implements LrSchedule {
        public OneCycle {
            if (!(maxLr > 0) || Double.isInfinite(maxLr)) throw new IllegalArgumentException("OneCycle: maxLr must be finite and > 0 but is " + maxLr);
            if (!(pctStart > 0 && pctStart < 1)) throw new IllegalArgumentException("OneCycle: pctStart must be in (0, 1) but is " + pctStart);
            if (!(pctStart * totalSteps - 1 > 0))
                throw new IllegalArgumentException("OneCycle: the warm-up phase pctStart·totalSteps − 1 = " + (pctStart * totalSteps - 1)
                        + " must be > 0 steps (pctStart " + pctStart + ", totalSteps " + totalSteps + ")");
            if (!(divFactor > 0) || !(finalDivFactor > 0))
                throw new IllegalArgumentException("OneCycle: divFactor and finalDivFactor must be > 0 but are " + divFactor + ", " + finalDivFactor);
        }

        /** PyTorch's defaults: pctStart 0.3, divFactor 25, finalDivFactor 1e4. */
        public static OneCycle of(double maxLr, long totalSteps) { return new OneCycle(maxLr, totalSteps, 0.3, 25, 1e4); }

        public double initialLr() { return maxLr / divFactor; }

        public double finalLr() { return initialLr() / finalDivFactor; }

        @Override public double lr(long step) {
            checkStep(step);
            if (step > totalSteps) throw new IllegalArgumentException("OneCycle: step " + step + " is past totalSteps " + totalSteps);
            double peakStep = pctStart * totalSteps - 1;
            if (step <= peakStep) return anneal(initialLr(), maxLr, step / peakStep);
            return anneal(maxLr, finalLr(), (step - peakStep) / (totalSteps - 1 - peakStep));
        }

        private static double anneal(double start, double end, double pct) {
            return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
        }
    }

    private static void checkStep(long step) {
        if (step < 0) throw new IllegalArgumentException("LrSchedule: step must be ≥ 0 but is " + step);
    }
}
