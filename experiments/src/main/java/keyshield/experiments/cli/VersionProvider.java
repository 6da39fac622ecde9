package keyshield.experiments.cli;

import picocli.CommandLine;

/** Version line from the jar manifest (falls back to "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = KeyshieldCli.class.getPackage().getImplementationVersion();
        return new String[] {"keyshield " + (v == null ? "development" : v) + " (ND4J 1.0.0-M2.1, Java " + System.getProperty("java.version") + ")"};
    }
}
