package keyshield.tensor;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;

/**
 * The owner of every intermediate array of one step (a forward, a backward, an optimizer update).
 *
 * <p>ND4J frees off-heap memory only when the Java GC collects an array's owner, so a training loop
 * that just drops its intermediates grows until the kernel kills it. A scope is an ND4J memory workspace:
 * every array allocated while it is open (op outputs, temporaries inside ops, gradients) lives in one
 * block that is reset when the scope closes, so each step reuses the same memory:
 * <pre>{@code
 * for (Batch b : batches) {
 *     try (var step = Scope.open()) {
 *         Tensor loss = Losses.crossEntropy(model.forward(b.x()), b.y());
 *         loss.backward();                 // parameter gradients live outside the scope
 *         optimizer.step();
 *         lossLog.add(loss.item());        // a double, not an array of the scope
 *     }
 * }
 * }</pre>
 * What must outlive the step (parameters, their gradients, optimizer state, results) is allocated
 * outside it ({@link #outside}) or copied out ({@link #keep}). Using an array of a closed scope throws
 * ND4J's "workspace was closed" error instead of reading stale memory. Scopes nest; each nested scope
 * has its own block.
 */
public final class Scope implements AutoCloseable {
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.1)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);

    private final MemoryWorkspace workspace, parent;
    private final int depth;
    private boolean closed;

    private Scope() {
        parent = Nd4j.getMemoryManager().getCurrentWorkspace();
        depth = DEPTH.get();
        DEPTH.set(depth + 1);
        workspace = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, "keyshield-scope-" + depth);
    }

    /** Opens a scope on the current thread; close it with try-with-resources. */
    public static Scope open() { return new Scope(); }

    /** True when arrays allocated now on this thread belong to a scope. */
    public static boolean active() { return Nd4j.getMemoryManager().getCurrentWorkspace() != null; }

    /** Copies {@code array} out of any open scope, so it outlives it. Arrays outside scopes are returned as they are. */
    public static INDArray keep(INDArray array) {
        return array.isAttached() ? array.detach() : array;
    }

    /**
     * Copies {@code array}, made in this scope, into the scope this one is nested in, so it lives exactly as
     * long as that one (at top level: out of all scopes, owned by the GC). For the results of a nested
     * computation whose temporaries should be freed before the enclosing step ends, e.g. activation
     * checkpointing. Arrays outside scopes are returned as they are.
     */
    public INDArray toParent(INDArray array) {
        if (closed) throw new IllegalStateException("Scope.toParent: this scope is closed, so its arrays are gone");
        if (!array.isAttached()) return array;
        return parent == null ? array.detach() : array.leverageTo(parent.getId());
    }

    /** Runs {@code body} with allocation outside every scope: for parameters, gradients, optimizer state. */
    public static <T> T outside(Supplier<T> body) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return body.get();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        workspace.close();
        DEPTH.set(depth);
    }
}
