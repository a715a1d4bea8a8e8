package io.cairn.trainer;

import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-like progress on stderr: on a terminal a live bar per epoch (steps, loss, accuracy, ETA);
 * elsewhere (logs, CI) one line per epoch, so files are not filled with redraws.
 */
final class ProgressCallback
        implements TrainingCallback
{
    private final PrintStream err;
    private final boolean terminal;
    private ProgressBar bar;

    ProgressCallback(PrintStream err)
    {
        this(err, err == System.err && System.console() != null);
    }

    ProgressCallback(PrintStream err, boolean terminal)
    {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void onEpochBegin(TrainingLogs logs)
    {
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "Epoch %d/%d", logs.epoch() + 1, logs.epochs()))
                    .setInitialMax(logs.batchesPerEpoch())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(100)
                    .setConsumer(new ConsoleProgressBarConsumer(err))
                    .build();
        }
    }

    @Override
    public void onBatchEnd(TrainingLogs logs)
    {
        if (bar != null) {
            bar.stepTo(logs.batch());
            bar.setExtraMessage(metrics(logs.metrics()));
        }
    }

    @Override
    public void onEpochEnd(TrainingLogs logs)
    {
        if (bar != null) {
            bar.stepTo(logs.batchesPerEpoch());
            bar.setExtraMessage(metrics(logs.metrics()));
            bar.close();
            bar = null;
            return;
        }
        err.printf(Locale.ROOT, "Epoch %d/%d - %d/%d steps - step %d - %s%n",
                logs.epoch() + 1, logs.epochs(), logs.batchesPerEpoch(), logs.batchesPerEpoch(), logs.step(), metrics(logs.metrics()));
    }

    @Override
    public void onTrainEnd(TrainingLogs logs, boolean stoppedEarly)
    {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        if (stoppedEarly) {
            err.printf(Locale.ROOT, "Stopped at step %d (--max-steps, or SIGTERM/SIGINT)%n", logs.step());
        }
    }

    /**
     * As Keras prints them: loss first, then the other metrics by name, whatever order the map has.
     */
    static String metrics(Map<String, Double> metrics)
    {
        StringBuilder text = new StringBuilder();
        metrics.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Double> metric) -> !metric.getKey().equals("loss")).thenComparing(Map.Entry::getKey))
                .forEach(metric -> text.append(text.isEmpty() ? "" : " - ").append(String.format(Locale.ROOT, "%s: %.4f", metric.getKey(), metric.getValue())));
        return text.toString();
    }
}
