package keyshield.experiments.cli;

import picocli.CommandLine;

import java.io.IOException;

/**
 * Turns the exceptions a run can legitimately end with into one clear line on stderr instead of a stack
 * trace: bad input (files, shapes, keys) exits with 2, anything else with 1 and the stack trace, since
 * that is a bug.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            cli.getErr().println(cli.getColorScheme().errorText("keyshield " + cli.getCommandName() + ": " + e.getMessage()));
            return 2;
        }
        e.printStackTrace(cli.getErr());
        return 1;
    }
}
