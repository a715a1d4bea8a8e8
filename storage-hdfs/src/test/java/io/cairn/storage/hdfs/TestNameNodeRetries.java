package io.cairn.storage.hdfs;

import org.apache.hadoop.hdfs.server.namenode.SafeModeException;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.Test;

import javax.security.sasl.SaslException;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which failures mean the NameNode does not answer, and how long calls wait it out.
 */
class TestNameNodeRetries
{
    private static final Duration RETRY_TIME = Duration.ofSeconds(1);

    @Test
    void aNameNodeThatDoesNotAnswerIsToldFromOneThatRefuses()
    {
        ConnectException refused = new ConnectException("Call From client/10.0.0.1 to nn:8020 failed on connection exception: java.net.ConnectException: Connection refused");
        assertThat(HdfsErrors.nameNodeUnavailable(refused)).isTrue();
        // as the store throws it: mapped, with Hadoop's failure as the cause
        assertThat(HdfsErrors.nameNodeUnavailable(new IOException("Cannot write hdfs://nn:8020/r/k: cannot reach the NameNode", refused))).isTrue();
        // the first call on the connection a restarted NameNode's predecessor closed
        assertThat(HdfsErrors.nameNodeUnavailable(new EOFException("End of File Exception between local host is: \"client/10.0.0.1\"; destination host is: \"nn\":8020; "))).isTrue();
        assertThat(HdfsErrors.nameNodeUnavailable(new IOException("DestHost:destPort nn:8020 , LocalHost:localPort client/10.0.0.1:0. Failed on local exception: "
                + "java.io.IOException: Connection reset by peer"))).isTrue();
        assertThat(HdfsErrors.nameNodeUnavailable(new RemoteException(SafeModeException.class.getName(), "Cannot create file /r/k. Name node is in safe mode."))).isTrue();

        assertThat(HdfsErrors.nameNodeUnavailable(new RemoteException(AccessControlException.class.getName(), "Permission denied: user=mallory"))).isFalse();
        assertThat(HdfsErrors.nameNodeUnavailable(new FileNotFoundException("File does not exist: /r/k"))).isFalse();
        assertThat(HdfsErrors.nameNodeUnavailable(new IOException("DestHost:destPort nn:8020 , LocalHost:localPort client/10.0.0.1:0. Failed on local exception: "
                + "java.io.IOException: javax.security.sasl.SaslException: GSS initiate failed", new SaslException("GSS initiate failed")))).isFalse();
        // DataNodes stream blocks outside Hadoop's RPC: their failures are the output stream's to recover from
        assertThat(HdfsErrors.nameNodeUnavailable(new IOException("All datanodes [DatanodeInfoWithStorage[10.0.0.2:9866,DS-1,DISK]] are bad. Aborting...",
                new ConnectException("Connection refused")))).isFalse();
    }

    @Test
    void aCallIsTriedAgainUntilTheNameNodeAnswers()
            throws IOException
    {
        NameNodeRetries retries = new NameNodeRetries("nn:8020", RETRY_TIME);
        AtomicInteger attempts = new AtomicInteger();
        String result = retries.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw unavailable();
            }
            return "answered";
        });
        assertThat(result).isEqualTo("answered");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void otherFailuresAreThrownAtOnce()
    {
        NameNodeRetries retries = new NameNodeRetries("nn:8020", RETRY_TIME);
        AtomicInteger attempts = new AtomicInteger();
        FileNotFoundException missing = new FileNotFoundException("No blob k");
        assertThatThrownBy(() -> retries.call(() -> {
            attempts.incrementAndGet();
            throw missing;
        })).isSameAs(missing);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aCallGivesUpAfterTheRetryTimeAndLaterCallsAfterASecondTryUntilOneSucceeds()
            throws IOException
    {
        NameNodeRetries retries = new NameNodeRetries("nn:8020", RETRY_TIME);
        AtomicInteger attempts = new AtomicInteger();
        long started = System.nanoTime();
        assertThatThrownBy(() -> retries.call(() -> {
            attempts.incrementAndGet();
            throw unavailable();
        }))
                .hasMessageContaining("cannot reach the NameNode")
                .hasMessageContaining("the NameNode did not answer for")
                .hasMessageContaining("namenode-retry-time=1.0 s")
                .hasCauseInstanceOf(IOException.class);
        assertThat(System.nanoTime() - started).as("nanoseconds waited").isGreaterThanOrEqualTo(RETRY_TIME.toNanos());
        // after 0.25 s, 0.5 s, then what is left of the second (fewer when a sleep overran)
        assertThat(attempts.get()).isBetween(2, 4);

        // the outage has lasted the retry time already: a call tries once more, for a connection that was dropped
        attempts.set(0);
        assertThatThrownBy(() -> retries.call(() -> {
            attempts.incrementAndGet();
            throw unavailable();
        })).hasMessageContaining("namenode-retry-time");
        assertThat(attempts).hasValue(2);

        // a call that succeeds ends the outage: the next one waits the whole time again
        assertThat(retries.call(() -> "answered")).isEqualTo("answered");
        long restarted = System.nanoTime();
        assertThatThrownBy(() -> retries.call(() -> {
            throw unavailable();
        })).hasMessageContaining("namenode-retry-time");
        assertThat(System.nanoTime() - restarted).as("nanoseconds waited").isGreaterThanOrEqualTo(RETRY_TIME.toNanos());
    }

    private static IOException unavailable()
    {
        return new IOException("Cannot write hdfs://nn:8020/r/k: cannot reach the NameNode at nn:8020",
                new ConnectException("Call From client/10.0.0.1 to nn:8020 failed on connection exception: java.net.ConnectException: Connection refused"));
    }
}
