package keyshield.tensor;

import java.util.Arrays;

/**
 * A tensor had a shape, rank, axis or dtype that an operation does not accept. The message always names
 * the operation, what it expected and what it got, e.g. {@code matmul: inner dimensions differ:
 * (2, 3) @ (4, 5)}.
 */
public class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) { super(message); }

    /** Formats a shape the way messages print it: {@code (2, 3, 4)}. */
    public static String show(long... shape) {
        String s = Arrays.toString(shape);
        return "(" + s.substring(1, s.length() - 1) + ")";
    }

    /** Throws unless {@code actual} equals {@code expected}. */
    public static void requireShape(String op, String what, long[] expected, long[] actual) {
        if (!Arrays.equals(expected, actual))
            throw new ShapeException(op + ": " + what + " must have shape " + show(expected) + " but has " + show(actual));
    }

    /** Throws unless the tensor has the given rank. */
    public static void requireRank(String op, String what, int expected, long[] actual) {
        if (actual.length != expected)
            throw new ShapeException(op + ": " + what + " must have rank " + expected + " but has shape " + show(actual));
    }

    /** Normalises a possibly negative axis against a rank, or throws naming the op and the rank. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ShapeException(op + ": axis " + axis + " is out of range for rank " + rank);
        return a;
    }

    /** Normalises a list of axes; rejects duplicates. */
    public static int[] axes(String op, int[] axes, int rank) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(op, axes[i], rank);
            if (seen[out[i]]) throw new ShapeException(op + ": axis " + axes[i] + " given twice in " + Arrays.toString(axes));
            seen[out[i]] = true;
        }
        return out;
    }
}
