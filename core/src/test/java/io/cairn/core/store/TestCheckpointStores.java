package io.cairn.core.store;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestCheckpointStores
{
    @Test
    public void opensTheStoreOfTheUrisScheme()
            throws Exception
    {
        RecordingProvider file = new RecordingProvider("file");
        RecordingProvider s3 = new RecordingProvider("s3");
        CheckpointStores stores = CheckpointStores.of(file, s3);

        CheckpointStore store = stores.open("s3://bucket/prefix", Map.of("region", "eu-west-1"));
        assertThat(store.location()).isEqualTo(URI.create("memory:/s3"));
        assertThat(s3.opened).containsExactly(URI.create("s3://bucket/prefix"));
        assertThat(s3.options).containsExactly(Map.of("region", "eu-west-1"));
        assertThat(file.opened).isEmpty();

        stores.open("S3://other/x");
        assertThat(s3.opened).hasSize(2);
        assertThat(stores.providers()).containsOnlyKeys("file", "s3");
    }

    @Test
    public void unknownSchemeListsTheKnownSchemes()
    {
        CheckpointStores stores = CheckpointStores.of(new RecordingProvider("file"), new RecordingProvider("s3"));
        assertThatThrownBy(() -> stores.open("hdfs://namenode:8020/cairn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'hdfs'")
                .hasMessageContaining("known schemes: file, s3");
        assertThatThrownBy(() -> CheckpointStores.of().open("s3://bucket"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known schemes: none");
    }

    @Test
    public void malformedUriMessageNeverShowsItsQuery()
    {
        CheckpointStores stores = CheckpointStores.of(new RecordingProvider("s3"));
        assertThatThrownBy(() -> stores.open("s3://bucket/p?access-key-id=AKIA&secret-access-key=Super Secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://bucket/p")
                .hasMessageNotContaining("Super")
                .hasMessageNotContaining("AKIA");
    }

    @Test
    public void unknownSchemeMessageNeverShowsCredentials()
    {
        CheckpointStores stores = CheckpointStores.of(new RecordingProvider("file"));
        assertThatThrownBy(() -> stores.open("ftp://alice:s3cr3t@host/x?token=t0k3n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://host/x")
                .hasMessageNotContaining("s3cr3t")
                .hasMessageNotContaining("alice")
                .hasMessageNotContaining("t0k3n");
    }

    @Test
    public void plainPathsAreFileUris()
            throws Exception
    {
        RecordingProvider file = new RecordingProvider("file");
        CheckpointStores stores = CheckpointStores.of(file);
        Path absolute = Path.of("").toAbsolutePath();

        stores.open("relative/store");
        stores.open("/tmp/cairn store");
        stores.open("file:relative/other");
        stores.open("file:/tmp/explicit");
        assertThat(file.opened).containsExactly(
                absolute.resolve("relative/store").toUri(),
                Path.of("/tmp/cairn store").toUri(),
                absolute.resolve("relative/other").toUri(),
                URI.create("file:/tmp/explicit"));
    }

    @Test
    public void aBareMemorySchemeIsAFreshMemoryStore()
    {
        assertThat(CheckpointStores.parse("memory:")).isEqualTo(URI.create("memory:/"));
        assertThat(CheckpointStores.parse("MEMORY:")).isEqualTo(URI.create("memory:/"));
        // other bare schemes stay invalid: "file:" or "hdfs:" with a missing path must not mean a root
        assertThatThrownBy(() -> CheckpointStores.parse("file:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CheckpointStores.parse("hdfs:")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void parseRejectsEmptyAndMalformedUris()
    {
        assertThatThrownBy(() -> CheckpointStores.parse("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> CheckpointStores.parse("s3://bucket/a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://bucket/a b");
        assertThatThrownBy(() -> CheckpointStores.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    public void rejectsTwoProvidersForOneScheme()
    {
        assertThatThrownBy(() -> CheckpointStores.of(new RecordingProvider("s3"), new RecordingProvider("S3")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'s3'");
    }

    @Test
    public void rejectsProvidersWithoutAValidScheme()
    {
        assertThatThrownBy(() -> CheckpointStores.of(new RecordingProvider(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(RecordingProvider.class.getName());
        assertThatThrownBy(() -> CheckpointStores.of(new RecordingProvider("no scheme")))
                .isInstanceOf(IllegalStateException.class);
    }

    private static final class RecordingProvider
            implements CheckpointStoreProvider
    {
        private final String scheme;
        private final List<URI> opened = new ArrayList<>();
        private final List<Map<String, String>> options = new ArrayList<>();

        private RecordingProvider(String scheme)
        {
            this.scheme = scheme;
        }

        @Override
        public String scheme()
        {
            return scheme;
        }

        @Override
        public CheckpointStore open(URI uri, Map<String, String> options)
        {
            opened.add(uri);
            this.options.add(options);
            return new MemoryCheckpointStore(scheme);
        }
    }
}
