package keyshield.experiments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.ResultFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs every {@link Workload} in its own JVM (so each one's peak resident memory is its own) and, right
 * after it, the same workload in its own PyTorch process ({@code bench/peer_torch.py}) with the same
 * threads and batch size, and reports ours, PyTorch's and the ratio side by side. One workload at a time
 * on both sides keeps the two figures of a ratio a minute apart: this shared machine's speed drifts by
 * tens of percent within an hour, which skewed ratios when all of ours ran before all of PyTorch's.
 */
public final class Bench {
    private Bench() {}

    /** One workload's figures; torch fields are null when the peer could not run. */
    public record Row(String workload, String unit, double ours, long oursPeakRssMb, Double torch, Double torchPeakRssMb, Double ratio) {}

    /** The JSON of a run. */
    public record Result(String machine, int threads, boolean quick, String torchVersion, List<Row> rows, String peerNote) {}

    /** Child mode: measures one workload and prints {@code RESULT <value> <peakRssMb>}. */
    public static void child(String id, boolean quick) {
        Workload w = Workload.byId(id);
        double v = w.measure(quick ? 1 : 2, quick ? 3 : 5);
        System.out.printf(Locale.ROOT, "RESULT %.6f %d%n", v, peakRssMb());
    }

    public static Result run(boolean quick, List<Workload> workloads, boolean withPeer, Path repoRoot, PrintStream log) throws IOException, InterruptedException {
        int threads = Runtime.getRuntime().availableProcessors();
        String note = withPeer ? Peer.prepare(repoRoot, log) : "peer not run (--no-peer)";
        boolean peerReady = note == null;
        String torchVersion = null;
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            log.printf("keyshield bench: %s ...%n", w.id);
            double[] o = runChild(w, quick);
            log.printf(Locale.ROOT, "keyshield bench: %s = %.2f %s (peak RSS %.0f MB)%n", w.id, o[0], w.unit, o[1]);
            Double tv = null, tm = null;
            if (peerReady) {
                PeerRun p = Peer.run(repoRoot, threads, quick, List.of(w.id));
                JsonNode t = p.json() == null ? null : p.json().path("workloads").get(w.id);
                if (t != null) {
                    tv = t.get("value").asDouble();
                    tm = t.get("peak_rss_mb").asDouble();
                    torchVersion = p.json().path("torch").asText();
                }
                if (note == null || p.json() == null) note = p.note();
            }
            rows.add(new Row(w.id, w.unit, o[0], (long) o[1], tv, tm, tv == null ? null : o[0] / tv));
        }
        return new Result(Machine.describe(), threads, quick, torchVersion, rows, note);
    }

    /** The Markdown table of a result. */
    public static String table(Result r) {
        MarkdownTable t = new MarkdownTable("workload", "unit", "#keyshield", "#PyTorch", "#ours / PyTorch", "#peak RSS ours (MB)", "#peak RSS PyTorch (MB)");
        for (Row row : r.rows())
            t.row(row.workload(), row.unit(), String.format(Locale.ROOT, "%.2f", row.ours()), row.torch() == null ? null : String.format(Locale.ROOT, "%.2f", row.torch()),
                    row.ratio() == null ? null : String.format(Locale.ROOT, "%.2f×", row.ratio()), row.oursPeakRssMb(),
                    row.torchPeakRssMb() == null ? null : String.format(Locale.ROOT, "%.0f", row.torchPeakRssMb()));
        return t.toString();
    }

    public static void writeJson(Path file, Result r) throws IOException { ResultFiles.writeJson(file, r); }

    private static double[] runChild(Workload w, boolean quick) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx12g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), "keyshield.experiments.cli.KeyshieldCli", "bench", "--child", w.id));
        if (quick) cmd.add("--quick");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) if (line.startsWith("RESULT ")) result = line;
        }
        if (!p.waitFor(30, TimeUnit.MINUTES)) { p.destroyForcibly(); throw new IOException("workload " + w.id + " did not finish in 30 minutes"); }
        if (p.exitValue() != 0 || result == null) throw new IOException("workload " + w.id + " failed (exit " + p.exitValue() + ")");
        String[] f = result.split(" ");
        return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    /** Peak resident memory of this process (heap and off-heap), from /proc/self/status VmHWM. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        } catch (IOException | NumberFormatException ignored) {
            // not Linux: no figure
        }
        return -1;
    }

    /** What the peer printed, or null, with a note on how it went. */
    record PeerRun(JsonNode json, String note) {}
}
