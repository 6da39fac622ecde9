package keyshield.experiments.run;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.io.IOException;

/**
 * An experiment: a validated record of everything that determines its result (data, models, keys'
 * seeds, recipes, attacks), which the {@link Runner} executes. Experiments are written and read as
 * JSON, with the field {@code "experiment"} naming the kind, so a run can be described in a file,
 * re-run, and compared when it is resumed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "experiment")
@JsonSubTypes({@JsonSubTypes.Type(value = TableOne.class, name = "table-one"),
        @JsonSubTypes.Type(value = Pretrain.class, name = "pretrain"),
        @JsonSubTypes.Type(value = KeyedFinetune.class, name = "keyed-finetune"),
        @JsonSubTypes.Type(value = RobustEval.class, name = "robust-eval"),
        @JsonSubTypes.Type(value = ParamTable.class, name = "param-table"),
        @JsonSubTypes.Type(value = EpsSweep.class, name = "eps-sweep"),
        @JsonSubTypes.Type(value = WaveletDefense.class, name = "wavelet-defense")})
public sealed interface Experiment permits TableOne, Pretrain, KeyedFinetune, RobustEval, ParamTable, EpsSweep, WaveletDefense {
    /** A short name, used for the default result file ({@code results/<name>.json}). */
    String name();

    /** Checks that the files the experiment reads exist, so a run fails at once instead of hours in. */
    void requireInputs() throws IOException;
}
