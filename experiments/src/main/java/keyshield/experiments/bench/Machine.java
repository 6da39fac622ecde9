package keyshield.experiments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine a benchmark ran on. */
final class Machine {
    private Machine() {}

    static String describe() {
        String cpu = "unknown CPU";
        long memKb = -1;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) if (l.startsWith("model name")) { cpu = l.substring(l.indexOf(':') + 1).strip(); break; }
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) if (l.startsWith("MemTotal")) memKb = Long.parseLong(l.replaceAll("[^0-9]", ""));
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return String.format("%s, %d cores, %.0f GiB, Java %s, %s", cpu, Runtime.getRuntime().availableProcessors(), memKb / 1048576.0,
                System.getProperty("java.version"), System.getProperty("os.name"));
    }
}
