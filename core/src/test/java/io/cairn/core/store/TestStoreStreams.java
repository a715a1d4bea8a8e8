package io.cairn.core.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestStoreStreams
{
    @Test
    void readsAndCopiesExactlyTheDeclaredLength()
            throws IOException
    {
        byte[] data = bytes(100_000);
        assertThat(StoreStreams.readExactly("k", new ByteArrayInputStream(data), data.length)).isEqualTo(data);
        assertThat(StoreStreams.readExactly("k", InputStream.nullInputStream(), 0)).isEmpty();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoreStreams.copyExactly("k", new ByteArrayInputStream(data), data.length, out, 4096);
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(StoreStreams.exactLength("k", new ByteArrayInputStream(data), data.length).readAllBytes()).isEqualTo(data);
    }

    @Test
    void aShortStreamFailsNamingTheKeyAndTheCounts()
    {
        assertThatThrownBy(() -> StoreStreams.readExactly("runs/r/blob", new ByteArrayInputStream(bytes(100)), 200))
                .isInstanceOf(IOException.class)
                .hasMessage("Stream for runs/r/blob ended after 100 of 200 bytes");
        assertThatThrownBy(() -> StoreStreams.copyExactly("runs/r/blob", new ByteArrayInputStream(bytes(100)), 200, new ByteArrayOutputStream(), 64))
                .hasMessage("Stream for runs/r/blob ended after 100 of 200 bytes");
    }

    @Test
    void aLongStreamFailsWhenItsLastDeclaredByteIsRead()
            throws IOException
    {
        assertThatThrownBy(() -> StoreStreams.readExactly("runs/r/blob", new ByteArrayInputStream(bytes(300)), 200))
                .isInstanceOf(IOException.class)
                .hasMessage("Stream for runs/r/blob is longer than the declared 200 bytes");
        assertThatThrownBy(() -> StoreStreams.readExactly("empty", new ByteArrayInputStream(bytes(1)), 0))
                .hasMessage("Stream for empty is longer than the declared 0 bytes");
        // an uploader that reads the declared length and stops still sees the failure
        InputStream exact = StoreStreams.exactLength("k", new ByteArrayInputStream(bytes(11)), 10);
        assertThat(exact.read(new byte[9])).isEqualTo(9);
        assertThatThrownBy(() -> exact.read(new byte[1])).hasMessageContaining("longer than the declared 10 bytes");
    }

    @Test
    void closingTheExactStreamClosesTheSource()
            throws IOException
    {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream source = new ByteArrayInputStream(bytes(1))
        {
            @Override
            public void close()
            {
                closed.set(true);
            }
        };
        StoreStreams.exactLength("k", source, 1).close();
        assertThat(closed).isTrue();
    }

    @Test
    void negativeLengthsAndRangesAreRejectedNamingTheKey()
    {
        assertThat(StoreStreams.checkLength("k", 0)).isZero();
        assertThatThrownBy(() -> StoreStreams.checkLength("runs/r/blob", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Blob length for runs/r/blob must not be negative: -1");
        assertThatThrownBy(() -> StoreStreams.exactLength("k", InputStream.nullInputStream(), -1)).isInstanceOf(IllegalArgumentException.class);
        StoreStreams.checkRange("k", 5000, 0);
        assertThatThrownBy(() -> StoreStreams.checkRange("runs/r/blob", -1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Range of runs/r/blob must not be negative: offset -1, length 2");
        assertThatThrownBy(() -> StoreStreams.checkRange("k", 0, -2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(int size)
    {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }
}
