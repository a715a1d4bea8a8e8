package io.cairn.core.store;

import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;

import static org.assertj.core.api.Assertions.assertThat;

class TestStoreErrors
{
    @Test
    void notFoundNamesTheKeyAndTheStore()
    {
        IOException cause = new IOException("404");
        FileNotFoundException notFound = StoreErrors.notFound("runs/r/lease", URI.create("s3://bucket/prefix/"), cause);
        assertThat(notFound).hasMessage("No blob runs/r/lease in s3://bucket/prefix/").hasCause(cause);
        assertThat(StoreErrors.notFound("k", URI.create("memory:/m"), null)).hasNoCause();
    }

    @Test
    void alreadyExistsHasTheKeyAsItsFile()
    {
        FileAlreadyExistsException exists = StoreErrors.alreadyExists("runs/r/checkpoints/1.json", "hdfs://nn/repo/runs/r/checkpoints/1.json", null);
        assertThat(exists.getFile()).isEqualTo("runs/r/checkpoints/1.json");
        assertThat(exists).hasMessage("runs/r/checkpoints/1.json: Blob already exists at hdfs://nn/repo/runs/r/checkpoints/1.json");
    }

    @Test
    void firstLineDropsWhatFollowsTheFirstLine()
    {
        assertThat(StoreErrors.firstLine(new IOException("Connection refused\n\tat somewhere"))).isEqualTo("Connection refused");
        assertThat(StoreErrors.firstLine(new IOException("one line"))).isEqualTo("one line");
        assertThat(StoreErrors.firstLine(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void causesListsTheChainOnceEvenWhenItLoops()
    {
        IOException root = new IOException("root");
        RuntimeException middle = new RuntimeException("middle", root);
        IOException outer = new IOException("outer", middle);
        assertThat(StoreErrors.causes(outer)).containsExactly(outer, middle, root);

        // a backend's exception whose cause points back up the chain
        IOException looping = new IOException("looping");
        IOException wrapper = new IOException("wrapper", looping);
        looping.initCause(wrapper);
        assertThat(StoreErrors.causes(wrapper)).containsExactly(wrapper, looping);
    }
}
