package keyshield.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Function;

/**
 * Checks a backward against central differences, in float64.
 *
 * <p>The function's output y is reduced to the scalar L = Σ r ⊙ y with a fixed random r, so one check
 * covers the whole vector-Jacobian product rᵀ·∂y/∂x rather than only a sum. For every input element,
 * ∂L/∂x_i ≈ (L(x + h·e_i) − L(x − h·e_i)) / 2h, with truncation error O(h²). The reported error for
 * each input is ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) (the absolute error when both norms are
 * below 1e-12).
 */
public final class GradCheck {
    private GradCheck() {}

    /** The relative error of each input's gradient. */
    public record Result(double[] relativeErrors) {
        public double max() {
            double m = 0;
            for (double e : relativeErrors) m = Math.max(m, e);
            return m;
        }
    }

    /** Checks {@code f} at {@code inputs} (float64 arrays) with step h = 1e-6. */
    public static Result check(Function<Tensor[], Tensor> f, INDArray... inputs) { return check(f, 1e-6, 12345L, inputs); }

    public static Result check(Function<Tensor[], Tensor> f, double h, long seed, INDArray... inputs) {
        Tensor[] vars = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dataType() != DataType.DOUBLE)
                throw new IllegalArgumentException("GradCheck: input " + i + " must be float64 but is " + inputs[i].dataType());
            vars[i] = Tensor.variable(inputs[i].dup());
        }
        Tensor y = f.apply(vars);
        INDArray r = Rng.seeded(seed).uniform(DataType.DOUBLE, -1, 1, y.shape());
        y.mul(Tensor.constant(r)).sum().backward();

        double[] errors = new double[inputs.length];
        try (var noGrad = GradMode.off()) {
            for (int i = 0; i < inputs.length; i++) {
                INDArray x = vars[i].value();
                INDArray analytic = vars[i].grad() == null ? Nd4j.zerosLike(x) : vars[i].grad();
                INDArray numeric = Nd4j.zerosLike(x);
                for (long k = 0; k < x.length(); k++) {
                    double old = x.getDouble(k);
                    x.putScalar(k, old + h);
                    double plus = projected(f, vars, r);
                    x.putScalar(k, old - h);
                    double minus = projected(f, vars, r);
                    x.putScalar(k, old);
                    numeric.putScalar(k, (plus - minus) / (2 * h));
                }
                double diff = analytic.sub(numeric).norm2Number().doubleValue();
                double scale = Math.max(analytic.norm2Number().doubleValue(), numeric.norm2Number().doubleValue());
                errors[i] = scale < 1e-12 ? diff : diff / scale;
            }
        }
        return new Result(errors);
    }

    private static double projected(Function<Tensor[], Tensor> f, Tensor[] vars, INDArray r) {
        return f.apply(vars).value().mul(r).sumNumber().doubleValue();
    }
}
