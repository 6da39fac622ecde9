package keyshield.experiments.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.run.Experiment;

import java.util.List;

/**
 * Command-line flags applied to an experiment (a preset or a file): each flag given sets one field,
 * named by its JSON pointer ({@code /recipe/epochs}, {@code /target/key}), in the experiment's JSON form,
 * and {@link #build()} reads the whole back, so the record's constructor validates the combination
 * exactly as it validates an experiment file. Flags not given (null) change nothing.
 */
final class ExperimentPatch<E extends Experiment> {
    private final Class<E> kind;
    private final ObjectNode tree;

    private ExperimentPatch(Class<E> kind, ObjectNode tree) {
        this.kind = kind;
        this.tree = tree;
    }

    static <E extends Experiment> ExperimentPatch<E> of(Class<E> kind, E experiment) {
        return new ExperimentPatch<>(kind, (ObjectNode) ResultFiles.JSON.valueToTree(experiment));
    }

    /** Sets the field at {@code pointer} to {@code value} (as JSON), when the flag was given. */
    ExperimentPatch<E> set(String pointer, Object value) {
        if (value == null) return this;
        JsonPointer p = JsonPointer.compile(pointer);
        String field = p.last().getMatchingProperty();
        if (!(tree.at(p.head()) instanceof ObjectNode parent) || !parent.has(field))
            throw new IllegalStateException("a " + kind.getSimpleName() + " experiment has no field " + pointer);
        parent.set(field, json(value));
        return this;
    }

    /** A value as JSON; list elements one by one, so each keeps its polymorphic type name (e.g. {@code "attack": "pgd"}). */
    private static JsonNode json(Object value) {
        if (!(value instanceof List<?> list)) return ResultFiles.JSON.valueToTree(value);
        ArrayNode a = ResultFiles.JSON.createArrayNode();
        for (Object v : list) a.add(json(v));
        return a;
    }

    /** The patched experiment; a value its record refuses is an IllegalArgumentException naming the field. */
    E build() {
        try {
            return kind.cast(ResultFiles.JSON.treeToValue(tree, Experiment.class));
        } catch (JacksonException e) {
            for (Throwable t = e; t != null; t = t.getCause())
                if (t instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("the flags give an invalid " + kind.getSimpleName() + " experiment: " + e.getOriginalMessage(), e);
        }
    }
}
