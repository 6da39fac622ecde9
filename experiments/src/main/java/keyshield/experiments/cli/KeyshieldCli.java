package keyshield.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./keyshield} command line. Each subcommand is its own class; this one only lists them.
 * Exit codes: 0 success, 1 a failed run, 2 bad usage or bad input (with a message naming the problem).
 */
@Command(name = "keyshield",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Key-based adversarial defenses for image classifiers: block-wise pixel shuffling with a secret key, "
                + "ViT fine-tuning (full or LoRA), gradient attacks and robust evaluation.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, PredictCommand.class, ConvertCommand.class, KeyCommand.class,
                ShuffleCommand.class, ParamsCommand.class, AttackCommand.class, DenoiseCommand.class, DwtCommand.class, TableCommand.class, PretrainCommand.class,
                FinetuneCommand.class, EvalCommand.class, SweepCommand.class, BenchCommand.class})
public final class KeyshieldCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new KeyshieldCli());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
