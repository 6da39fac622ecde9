package keyshield.tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of a step goes, op by op: while a profile is open on a thread, every
 * {@link Function#apply} (forward) and every backward that {@link Backprop} runs is timed and booked
 * under the function's {@link Function#name()}. ND4J's CPU ops run synchronously, so wall time around
 * an op is that op's time (its allocations included). What the ops do not account for — the optimizer,
 * the data, Java between ops — is the gap to the total the caller measures.
 * <pre>{@code
 * try (var p = OpProfile.open()) {
 *     for (int i = 0; i < 5; i++) step.run();
 *     System.out.println(p.table(totalNanos));
 * }
 * }</pre>
 * Profiles do not nest. Closed (the normal state) it costs one thread-local read per op.
 */
public final class OpProfile implements AutoCloseable {
    private static final ThreadLocal<OpProfile> CURRENT = new ThreadLocal<>();

    /** Calls and nanoseconds of one op's forward and backward. */
    public static final class Entry {
        public final String op;
        public long forwardCalls, forwardNanos, backwardCalls, backwardNanos;

        Entry(String op) { this.op = op; }

        public long nanos() { return forwardNanos + backwardNanos; }
    }

    private final Map<String, Entry> entries = new HashMap<>();

    private OpProfile() {}

    /** Starts booking op times on this thread. */
    public static OpProfile open() {
        if (CURRENT.get() != null) throw new IllegalStateException("an OpProfile is already open on this thread");
        OpProfile p = new OpProfile();
        CURRENT.set(p);
        return p;
    }

    static OpProfile current() { return CURRENT.get(); }

    void forward(String op, long nanos) {
        Entry e = entries.computeIfAbsent(op, Entry::new);
        e.forwardCalls++;
        e.forwardNanos += nanos;
    }

    void backward(String op, long nanos) {
        Entry e = entries.computeIfAbsent(op, Entry::new);
        e.backwardCalls++;
        e.backwardNanos += nanos;
    }

    /** The booked ops, the most expensive first. */
    public List<Entry> entries() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparingLong(Entry::nanos).reversed().thenComparing(e -> e.op));
        return list;
    }

    /** Nanoseconds booked in all ops. */
    public long totalNanos() { return entries.values().stream().mapToLong(Entry::nanos).sum(); }

    /**
     * A Markdown table of the ops (calls, forward and backward ms, share of {@code wallNanos}), then a
     * row for the time outside any op. {@code wallNanos} is the caller's total for the same period.
     */
    public String table(long wallNanos) {
        StringBuilder sb = new StringBuilder("| op | fwd calls | fwd ms | bwd calls | bwd ms | share |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Entry e : entries())
            sb.append(String.format("| %s | %d | %.1f | %d | %.1f | %.1f%% |%n", e.op, e.forwardCalls, e.forwardNanos / 1e6,
                    e.backwardCalls, e.backwardNanos / 1e6, 100.0 * e.nanos() / wallNanos));
        long outside = wallNanos - totalNanos();
        sb.append(String.format("| (outside ops) | | | | %.1f | %.1f%% |%n", outside / 1e6, 100.0 * outside / wallNanos));
        return sb.toString();
    }

    @Override
    public void close() {
        if (CURRENT.get() == this) CURRENT.remove();
    }
}
