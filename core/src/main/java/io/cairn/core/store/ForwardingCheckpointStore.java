package io.cairn.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Collection;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A store that forwards every operation to another store: the base of a decorator (encrypting,
 * compressing, metering) that overrides only what it changes.
 *
 * <p>Every method of {@link CheckpointStore} is forwarded, the defaults included: {@link #readAllBytes}
 * calls the delegate's {@code readAllBytes}, not this store's {@link #read(String)}, and {@link #close()}
 * closes the delegate. So a decorator that changes the bytes overrides both reads, {@code readAllBytes},
 * {@code write} and {@code createIfAbsent}; one that changes where the store lives overrides
 * {@link #location()} too. The contract suite ({@code io.cairn:cairn-store-contract}) catches a forgotten one.
 */
public abstract class ForwardingCheckpointStore
        implements CheckpointStore
{
    private final CheckpointStore delegate;

    protected ForwardingCheckpointStore(CheckpointStore delegate)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    /**
     * The store this one forwards to.
     */
    protected CheckpointStore delegate()
    {
        return delegate;
    }

    @Override
    public URI location()
    {
        return delegate.location();
    }

    @Override
    public void write(String key, InputStream data, long length)
            throws IOException
    {
        delegate.write(key, data, length);
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        delegate.createIfAbsent(key, data);
    }

    @Override
    public InputStream read(String key)
            throws IOException
    {
        return delegate.read(key);
    }

    @Override
    public InputStream read(String key, long offset, long length)
            throws IOException
    {
        return delegate.read(key, offset, length);
    }

    @Override
    public boolean exists(String key)
            throws IOException
    {
        return delegate.exists(key);
    }

    @Override
    public List<String> list(String prefix)
            throws IOException
    {
        return delegate.list(prefix);
    }

    @Override
    public void delete(Collection<String> keys)
            throws IOException
    {
        delegate.delete(keys);
    }

    @Override
    public byte[] readAllBytes(String key)
            throws IOException
    {
        return delegate.readAllBytes(key);
    }

    @Override
    public void close()
            throws IOException
    {
        delegate.close();
    }

    @Override
    public String toString()
    {
        return location().toString();
    }
}
