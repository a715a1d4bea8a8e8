package io.cairn.storage.hdfs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static io.cairn.storage.hdfs.HdfsStoreProperties.NAMENODE_RETRY_TIME;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

/**
 * Waits out a NameNode that does not answer ({@link HdfsErrors#nameNodeUnavailable}): down,
 * restarting, or in safe mode after a restart. Hadoop's client does not: with its retry policy off (its
 * default) a call fails at once when its connection is refused, when the NameNode it was connected to
 * has gone (the first call after a restart), or in safe mode. A call is tried again after 0.25 s, then
 * twice as long each time up to 5 s, for up to {@link HdfsStoreProperties#NAMENODE_RETRY_TIME} from its
 * first such failure, or from the first of the outage when other calls found it earlier: so calls that
 * come after an outage has lasted that long fail at their second try, until a call succeeds again.
 * Other failures are thrown at once.
 */
final class NameNodeRetries
{
    private static final Logger log = LoggerFactory.getLogger(NameNodeRetries.class);

    private static final long FIRST_DELAY_MILLIS = 250;
    private static final long MAX_DELAY_MILLIS = 5_000;
    private static final long ANSWERING = Long.MIN_VALUE;

    private final String nameNode;
    private final Duration retryTime;
    // System.nanoTime() of the first failure of the outage the calls are in, or ANSWERING
    private final AtomicLong unavailableSince = new AtomicLong(ANSWERING);

    NameNodeRetries(String nameNode, Duration retryTime)
    {
        this.nameNode = requireNonNull(nameNode, "nameNode is null");
        this.retryTime = requireNonNull(retryTime, "retryTime is null");
    }

    interface Call<T>
    {
        T call()
                throws IOException;
    }

    /**
     * Runs the call, again while it fails because the NameNode does not answer; each attempt must be
     * safe to repeat after one that failed, or that succeeded without the answer arriving.
     */
    <T> T call(Call<T> call)
            throws IOException
    {
        long firstFailure = ANSWERING;
        for (int attempt = 1; ; attempt++) {
            T result;
            try {
                result = call.call();
            }
            catch (IOException e) {
                if (!HdfsErrors.nameNodeUnavailable(e)) {
                    throw e;
                }
                long now = System.nanoTime();
                if (firstFailure == ANSWERING) {
                    firstFailure = now;
                }
                long outageStart = outageStart(now, e);
                long start = Math.min(firstFailure, outageStart);
                long left = start + retryTime.toNanos() - now;
                // a second try even then: the first call after a restart fails on the old NameNode's connection
                if (left <= 0 && attempt > 1 || Thread.currentThread().isInterrupted()) {
                    throw new IOException(e.getMessage() + "; the NameNode did not answer for " + describe(Duration.ofNanos(now - start))
                            + " (store setting " + NAMENODE_RETRY_TIME + "=" + describe(retryTime) + ")", e);
                }
                long delay = Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << Math.min(attempt - 1, 10));
                sleep(left > 0 ? Math.min(delay, NANOSECONDS.toMillis(left) + 1) : delay, e);
                continue;
            }
            answered();
            return result;
        }
    }

    private long outageStart(long now, IOException failure)
    {
        if (unavailableSince.compareAndSet(ANSWERING, now)) {
            log.warn("The NameNode at {} does not answer ({}); retrying for up to {}", nameNode, failure.getMessage(), describe(retryTime));
            return now;
        }
        long since = unavailableSince.get();
        // a call that succeeded meanwhile ended that outage
        return since == ANSWERING ? now : since;
    }

    private void answered()
    {
        long since = unavailableSince.getAndSet(ANSWERING);
        if (since != ANSWERING) {
            log.info("The NameNode at {} answers again, after {}", nameNode, describe(Duration.ofNanos(System.nanoTime() - since)));
        }
    }

    private static void sleep(long millis, IOException failure)
            throws InterruptedIOException
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while waiting for the NameNode to answer: " + failure.getMessage());
            interrupted.initCause(failure);
            throw interrupted;
        }
    }

    private static String describe(Duration duration)
    {
        return duration.toMillis() < 10_000 ? String.format("%.1f s", duration.toMillis() / 1000.0) : duration.toSeconds() + " s";
    }
}
