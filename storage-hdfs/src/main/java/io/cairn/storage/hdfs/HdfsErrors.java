package io.cairn.storage.hdfs;

import org.apache.hadoop.hdfs.protocol.QuotaExceededException;
import org.apache.hadoop.hdfs.server.namenode.SafeModeException;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.ipc.RetriableException;
import org.apache.hadoop.net.ConnectTimeoutException;
import org.apache.hadoop.security.AccessControlException;

import javax.security.sasl.SaslException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import static io.cairn.core.store.StoreErrors.causes;
import static io.cairn.core.store.StoreErrors.firstLine;
import static java.util.Objects.requireNonNull;

/**
 * Turns Hadoop client failures into {@link IOException}s that name the path and say what to do: an
 * unreachable NameNode, permission denied, safe mode, an exceeded quota. The Hadoop exception stays
 * attached as the cause. Tells the failures of a NameNode that does not answer from the others, and
 * closes a failed stream without losing its first failure.
 */
final class HdfsErrors
{
    // how Hadoop's RPC client words a failed call (NetUtils.wrapException): the store's only RPC
    // server is the NameNode, DataNodes stream blocks over their own protocol
    private static final List<String> RPC_FAILURES = List.of("Call From ", "End of File Exception between ", "No Route to Host from ", "DestHost:destPort ");

    private final HdfsStoreConfig config;
    private final String user;

    /**
     * @param user the Hadoop user the store runs as (captured when it opened; calls may come from other threads)
     */
    HdfsErrors(HdfsStoreConfig config, String user)
    {
        this.config = requireNonNull(config, "config is null");
        this.user = requireNonNull(user, "user is null");
    }

    /**
     * @param action what was being done, e.g. "write", "list"
     * @param where the full URI of the path it was done to
     */
    IOException map(Throwable failure, String action, String where)
    {
        String prefix = "Cannot " + action + " " + where + ": ";
        Optional<Throwable> cause;
        if ((cause = find(failure, SafeModeException.class)).isPresent()) {
            return new IOException(prefix + "the NameNode is in safe mode (" + firstLine(cause.get())
                    + "); wait for it to leave safe mode, or run hdfs dfsadmin -safemode leave", failure);
        }
        if ((cause = find(failure, QuotaExceededException.class)).isPresent()) {
            return new IOException(prefix + "an HDFS quota is exceeded (" + firstLine(cause.get()) + "); delete data under the directory that has "
                    + "the quota, or raise it with hdfs dfsadmin -setSpaceQuota / -setQuota (hdfs dfs -count -q shows quotas)", failure);
        }
        if ((cause = find(failure, AccessControlException.class)).isPresent()) {
            return new IOException(prefix + "permission denied for user " + user + " (" + firstLine(cause.get())
                    + "); ask the owner for access (hdfs dfs -chmod / -chown / -setfacl), or run as another user (kinit with Kerberos)", failure);
        }
        if ((cause = find(failure, UnknownHostException.class)).isPresent()) {
            return new IOException(prefix + "cannot resolve the NameNode host of " + config.nameNodeAddress() + " (" + firstLine(cause.get())
                    + "); check the URI / " + HdfsStoreConfig.HADOOP_CONF_DIR, failure);
        }
        if ((cause = unreachable(failure)).isPresent()) {
            if (String.valueOf(cause.get().getMessage()).contains("Call From")) {
                // Hadoop's IPC client wraps connection failures to the NameNode as "Call From <us> to <nn> failed ..."
                return new IOException(prefix + "cannot reach the NameNode at " + config.nameNodeAddress() + " (" + beforeSemicolon(cause.get())
                        + "); check the URI / " + HdfsStoreConfig.HADOOP_CONF_DIR + " and that the NameNode is running", failure);
            }
            return new IOException(prefix + "cannot reach a DataNode (" + firstLine(cause.get()) + "); check that the DataNodes' data transfer ports are reachable "
                    + "from this host, or set dfs.client.use.datanode.hostname=true behind NAT", failure);
        }
        return new IOException(prefix + firstLine(failure), failure);
    }

    /**
     * Whether the failure is the NameNode's not answering: in safe mode, or down or restarting (a call
     * whose connection was refused, dropped or timed out). Not a refusal it gave (permission, quota, a
     * missing file), a failed login, a host name that does not resolve, or an interrupt.
     */
    static boolean nameNodeUnavailable(Throwable failure)
    {
        if (find(failure, SafeModeException.class).isPresent() || find(failure, RetriableException.class).isPresent()) {
            return true;
        }
        if (find(failure, AccessControlException.class).isPresent() || find(failure, SaslException.class).isPresent()
                || find(failure, UnknownHostException.class).isPresent() || find(failure, InterruptedIOException.class).isPresent()) {
            return false;
        }
        return causes(failure).stream().anyMatch(cause -> cause instanceof IOException && !(cause instanceof RemoteException)
                && RPC_FAILURES.stream().anyMatch(String.valueOf(cause.getMessage())::startsWith));
    }

    /**
     * The first exception of the type in the cause chain, unwrapping RPC {@link RemoteException}s by
     * their class name.
     */
    static <T extends Throwable> Optional<Throwable> find(Throwable failure, Class<T> type)
    {
        for (Throwable cause : causes(failure)) {
            if (type.isInstance(cause)) {
                return Optional.of(cause);
            }
            if (cause instanceof RemoteException remote) {
                Optional<Throwable> unwrapped = unwrap(remote, type);
                if (unwrapped.isPresent()) {
                    return unwrapped;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Throwable> unwrap(RemoteException remote, Class<? extends Throwable> type)
    {
        try {
            Class<?> remoteClass = Class.forName(remote.getClassName(), false, HdfsErrors.class.getClassLoader());
            if (type.isAssignableFrom(remoteClass) && IOException.class.isAssignableFrom(remoteClass)) {
                @SuppressWarnings("unchecked")
                Class<? extends IOException> ioClass = (Class<? extends IOException>) remoteClass;
                return Optional.of(remote.unwrapRemoteException(ioClass));
            }
        }
        catch (ClassNotFoundException | LinkageError e) {
            // a server-side exception class the client does not have: not the one we look for
        }
        return Optional.empty();
    }

    private static Optional<Throwable> unreachable(Throwable failure)
    {
        return find(failure, ConnectException.class)
                .or(() -> find(failure, NoRouteToHostException.class))
                .or(() -> find(failure, ConnectTimeoutException.class));
    }

    /**
     * Hadoop's connection messages end with "; For more details see: http://wiki.apache.org/...".
     */
    private static String beforeSemicolon(Throwable cause)
    {
        String line = firstLine(cause);
        int semicolon = line.indexOf(';');
        return semicolon < 0 ? line : line.substring(0, semicolon);
    }

    /**
     * Closes a stream after a failure, attaching what closing throws to the failure unless it is that
     * failure again.
     */
    static void closeAfter(Closeable stream, Throwable failure)
    {
        try {
            stream.close();
        }
        catch (IOException | RuntimeException e) {
            // a failed HDFS stream throws its first failure again on close
            if (e != failure && e.getCause() != failure) {
                failure.addSuppressed(e);
            }
        }
    }
}
