package keyshield.experiments.report;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.Duration;

/** The progress bars of long steps (training, evaluation, attacks): on stderr, with rate and ETA, one look for all. */
public final class ProgressBars {
    private ProgressBars() {}

    /** A bar for {@code max} units of work. */
    public static ProgressBar of(String task, long max, String unit) { return of(task, max, 0, unit); }

    /** A bar for {@code max} units of work of which {@code done} were done before (a resumed run). */
    public static ProgressBar of(String task, long max, long done, String unit) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).startsFrom(done, Duration.ZERO).setStyle(ProgressBarStyle.ASCII)
                .setUnit(unit, 1).showSpeed().setUpdateIntervalMillis(1000).setMaxRenderedLength(160)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 160)).build();
    }
}
