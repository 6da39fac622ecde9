package keyshield.experiments.cli;

import keyshield.experiments.bench.Bench;
import keyshield.experiments.bench.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code keyshield bench}: speed and memory of our workloads against PyTorch on the same cores. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures ViT-B/16 forward and training, the CIFAR ViT's training and 10-step PGD, matrix products and",
                "peak memory, each in its own JVM, then the same workloads in PyTorch (bench/peer_torch.py) with the same",
                "threads and batch sizes; prints ours, PyTorch and the ratio. Speed targets live here, never in unit tests."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "fewer repetitions (1 warm-up, 3 timed)")
    boolean quick;

    @Option(names = "--json", description = "also write the result as JSON to FILE")
    Path json;

    @Option(names = "--only", split = ",", description = "workloads to run (default: all): ${COMPLETION-CANDIDATES}")
    List<String> only;

    @Option(names = "--no-peer", description = "skip the PyTorch peer")
    boolean noPeer;

    @Option(names = "--profile", paramLabel = "WORKLOAD",
            description = "instead of the comparison, profile one workload (an id as in --only, e.g. vit_cifar_train_b128) op by op in this JVM: forward and backward ms per op")
    String profile;

    @Option(names = "--child", hidden = true)
    String child;

    @Override
    public Integer call() throws Exception {
        if (child != null) {
            Bench.child(child, quick);
            return 0;
        }
        if (profile != null) {
            System.out.println(Workload.byId(profile).profile(quick ? 1 : 2, quick ? 1 : 3));
            return 0;
        }
        List<Workload> workloads = only == null ? Arrays.asList(Workload.values()) : only.stream().map(Workload::byId).toList();
        String home = System.getenv("KEYSHIELD_HOME");
        Bench.Result r = Bench.run(quick, workloads, !noPeer, home != null ? Path.of(home) : Path.of("").toAbsolutePath(), System.err);
        System.out.printf("%nkeyshield bench on %s (%d threads)%s%n%n%s%n%s%n", r.machine(), r.threads(), quick ? ", quick" : "", Bench.table(r), r.peerNote());
        if (json != null) Bench.writeJson(json, r);
        return 0;
    }
}
