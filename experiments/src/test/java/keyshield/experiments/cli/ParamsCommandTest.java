package keyshield.experiments.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code keyshield params} prints Table II's counts. */
class ParamsCommandTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = new CommandLine(new ParamsCommand());
        cli.setExecutionExceptionHandler(new ErrorHandler());                     // as KeyshieldCli.commandLine()
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString().trim(), err.toString());
    }

    @Test
    void fullFineTuningOfVitB16() {
        Run r = run("--preset", "vit-b16", "--classes", "1000");
        assertThat(r.exit).isZero();
        assertThat(r.out).isEqualTo("total=86567656 trainable=86567656 (100.00%)");
    }

    @Test
    void loraOfThePaper() {
        Run r = run("--preset", "vit-b16", "--classes", "1000", "--lora-rank", "16", "--lora-alpha", "16",
                "--lora-targets", "qkv,patch_embed", "--train", "head");
        assertThat(r.exit).isZero();
        long total = 86_567_656L + 16 * 3 * 16 * 16 + 768 * 16 + 12 * (16 * 768 + 2304 * 16);
        assertThat(r.out).isEqualTo(String.format(java.util.Locale.ROOT, "total=%d trainable=1383400 (%.2f%%)", total, 100.0 * 1_383_400 / total));
    }

    @Test
    void withoutTheHeadOnlyTheAdapterTrains() {
        Run r = run("--preset", "vit-b16", "--lora-rank", "16", "--lora-targets", "qkv");
        assertThat(r.exit).isZero();
        assertThat(r.out).startsWith("total=" + (86_567_656L + 12 * (16 * 768 + 2304 * 16)) + " trainable=" + 12 * (16 * 768 + 2304 * 16) + " (");
    }

    @Test
    void badUsageIsExplained() {
        Run unknown = run("--preset", "vit-x99");
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(unknown.err).contains("unknown preset 'vit-x99'").contains("vit-b16");
        Run noRank = run("--preset", "vit-b16", "--train", "head");
        assertThat(noRank.exit).isEqualTo(2);
        assertThat(noRank.err).contains("need --lora-rank");
        Run badModule = run("--preset", "vit-cifar", "--lora-rank", "4", "--train", "classifier");
        assertThat(badModule.exit).isEqualTo(2);
        assertThat(badModule.err).contains("'classifier' matches no module");
    }
}
