package keyshield.experiments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import keyshield.experiments.report.ResultFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side of the bench: Debian's python3-torch running {@code bench/peer_torch.py}. Installs the
 * Debian packages through apt when absent (saying so), and runs without the peer when it cannot. The peer
 * runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset: on this machine they force OpenBLAS's Haswell
 * kernels and halve PyTorch's matrix speed, and the comparison is against PyTorch at its best.
 */
final class Peer {
    private static final String PYTHON = "/usr/bin/python3";
    private static final List<String> PACKAGES = List.of("python3-torch", "python3-torchvision", "libopenblas0-pthread");

    private Peer() {}

    /**
     * Checks that the peer can run, installing PyTorch through apt when it is absent; returns null when it
     * can, else the note saying why not.
     */
    static String prepare(Path repoRoot, PrintStream log) throws IOException, InterruptedException {
        Path script = repoRoot.resolve("bench/peer_torch.py");
        if (!Files.isRegularFile(script)) return "peer not run: " + script + " not found";
        if (!hasTorch()) {
            log.println("keyshield bench: PyTorch peer missing; installing Debian's " + String.join(", ", PACKAGES) + " with apt-get...");
            List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
            if (!"root".equals(System.getProperty("user.name"))) cmd.add(0, "sudo");
            cmd.addAll(PACKAGES);
            int code = exec(cmd, log);
            if (code != 0 || !hasTorch()) return "peer not run: could not install " + PACKAGES + " (apt-get exit " + code + ")";
        }
        return null;
    }

    /** Runs the given workloads in one peer process (after {@link #prepare} said it can). */
    static Bench.PeerRun run(Path repoRoot, int threads, boolean quick, List<String> workloads) throws IOException, InterruptedException {
        Path script = repoRoot.resolve("bench/peer_torch.py");
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), "--threads", Integer.toString(threads), "--only", String.join(",", workloads)));
        if (quick) cmd.add("--quick");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) return new Bench.PeerRun(null, "peer failed on " + workloads + " (exit " + p.exitValue() + ")");
        JsonNode json = ResultFiles.JSON.readTree(new String(out, StandardCharsets.UTF_8));
        return new Bench.PeerRun(json, "PyTorch " + json.path("torch").asText() + " on " + threads + " threads (OpenBLAS, CORETYPE unset)");
    }

    private static boolean hasTorch() throws InterruptedException {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, torchvision").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int exec(List<String> cmd, PrintStream log) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            log.print(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            return p.waitFor(30, TimeUnit.MINUTES) ? p.exitValue() : -1;
        } catch (IOException e) {
            log.println("keyshield bench: " + e.getMessage());
            return -1;
        }
    }
}
