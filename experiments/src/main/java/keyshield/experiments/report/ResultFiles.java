package keyshield.experiments.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import keyshield.tensor.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;

/** Result records as pretty JSON, written atomically; the one JSON mapper of the project. */
public final class ResultFiles {
    private ResultFiles() {}

    /** Records, enums, optionals and java.time values; dates as ISO-8601 text; paths as written (relative ones stay relative). */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())                                        // OptionalDouble/OptionalInt: a number, or null when empty
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("paths")
                    .addSerializer(Path.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer(Path.class))
                    .addDeserializer(Path.class, new com.fasterxml.jackson.databind.deser.std.FromStringDeserializer<Path>(Path.class) {
                        @Override protected Path _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
                            return Path.of(value);
                        }
                    }))
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** Writes {@code result} to {@code file} as JSON (temp file + rename). */
    public static void writeJson(Path file, Object result) throws IOException {
        AtomicFiles.write(file, out -> {
            JSON.writeValue(new NonClosing(out), result);
            out.write('\n');
        });
    }

    /** Reads a result back, e.g. to resume or to re-render a table. */
    public static <T> T readJson(Path file, Class<T> type) throws IOException {
        return JSON.readValue(file.toFile(), type);
    }

    /** Jackson closes the stream it writes to; the atomic writer must close it itself after fsync. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) { super(out); }

        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

        @Override public void close() throws IOException { flush(); }
    }
}
