/**
 * What a run leaves behind: {@link keyshield.experiments.report.Provenance} (commit, libraries, machine,
 * seeds, key fingerprints, wall time), JSON result files, Markdown tables and PNG plots. Every file is
 * written atomically.
 */
package keyshield.experiments.report;
