package keyshield.experiments.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The checks experiment records run on their fields, with messages that name the experiment, the field,
 * what was expected and what was given: {@code "Pretrain cifar-vit: evalBatch must be positive but is 0"}.
 * {@code where} is the experiment's kind and name.
 */
final class Fields {
    private Fields() {}

    /** The experiment's name: given and not blank. */
    static String name(String kind, String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException(kind + ": name must be given");
        return name;
    }

    /** A field that must be given. */
    static <T> T given(String where, String field, T value) {
        if (value == null) throw new IllegalArgumentException(where + ": " + field + " must be given");
        return value;
    }

    /** A number of images, ≥ 0 with 0 meaning all. */
    static int count(String where, String field, int value) {
        if (value < 0) throw new IllegalArgumentException(where + ": " + field + " must be >= 0 (0 = all) but is " + value);
        return value;
    }

    /** A batch size, interval or step: ≥ 1. */
    static int positive(String where, String field, int value) {
        if (value < 1) throw new IllegalArgumentException(where + ": " + field + " must be positive but is " + value);
        return value;
    }

    /** A non-empty list, copied. */
    static <T> List<T> nonEmpty(String where, String field, List<T> values) {
        if (values == null || values.isEmpty()) throw new IllegalArgumentException(where + ": " + field + " must hold at least one entry");
        return List.copyOf(values);
    }

    /** A weight file to write: ViTWeights chooses the format by extension, so it must end in {@code .safetensors}. */
    static Path safetensors(String where, String field, Path file) {
        given(where, field, file);
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors"))
            throw new IllegalArgumentException(where + ": " + field + " must name a .safetensors file but is " + file);
        return file;
    }
}
