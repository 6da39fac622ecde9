/**
 * The {@code ./keyshield} command line (picocli): one class per subcommand, registered in
 * {@link keyshield.experiments.cli.KeyshieldCli}.
 */
package keyshield.experiments.cli;
