package io.cairn.storage.s3;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening an S3 store: settings, and the errors of a bad bucket, bad credentials, a bad endpoint
 * and a server that ignores conditional writes (found on the first create-if-absent). None of them
 * shows a secret.
 */
class TestS3StoreSetup
{
    private static S3ProxyServer server;
    private static S3ProxyServer ignoring;

    @BeforeAll
    static void startServers()
            throws Exception
    {
        server = S3ProxyServer.start();
        server.createBucket("present");
        ignoring = S3ProxyServer.startIgnoringConditionalWrites();
        ignoring.createBucket("present");
    }

    @AfterAll
    static void stopServers()
            throws Exception
    {
        server.close();
        ignoring.close();
    }

    private static CheckpointStores stores()
    {
        return CheckpointStores.of(new S3CheckpointStoreProvider());
    }

    @Test
    void missingBucketIsNamed()
    {
        assertThatThrownBy(() -> stores().open(server.uri("absent", "x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("absent")
                .hasMessageContaining("does not exist")
                .hasMessageNotContaining(S3ProxyServer.SECRET_KEY);
    }

    @Test
    void wrongCredentialsAreRejectedWithoutShowingThem()
    {
        String uri = "s3://present/x?endpoint=" + server.endpoint() + "&path-style=true&access-key-id=" + S3ProxyServer.ACCESS_KEY + "&secret-access-key=wrong-secret-value";
        assertThatThrownBy(() -> stores().open(uri))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("s3://present/")
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("credentials were rejected", "access denied"))
                .hasMessageNotContaining("wrong-secret-value");
    }

    @Test
    void missingCredentialsSayWhereToPutThem()
            throws IOException
    {
        // the default chain also looks at these; with any of them set there are credentials to find
        Assumptions.assumeTrue(Stream.of("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI").allMatch(name -> System.getenv(name) == null) && System.getProperty("aws.accessKeyId") == null,
                "the environment has AWS credentials");
        Path empty = Files.createTempFile("aws-empty-", ".ini");
        Map<String, String> saved = new HashMap<>();
        for (String property : List.of("aws.configFile", "aws.sharedCredentialsFile", "aws.disableEc2Metadata")) {
            saved.put(property, System.getProperty(property));
        }
        System.setProperty("aws.configFile", empty.toString());
        System.setProperty("aws.sharedCredentialsFile", empty.toString());
        System.setProperty("aws.disableEc2Metadata", "true");
        try {
            assertThatThrownBy(() -> stores().open("s3://present/x?endpoint=" + server.endpoint() + "&path-style=true&max-attempts=1"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("no AWS credentials found")
                    .hasMessageContaining("access-key-id");
        }
        finally {
            saved.forEach((property, value) -> {
                if (value == null) {
                    System.clearProperty(property);
                }
                else {
                    System.setProperty(property, value);
                }
            });
            Files.deleteIfExists(empty);
        }
    }

    @Test
    void unreachableEndpointIsNamed()
            throws IOException
    {
        // bound but never listening: the port stays ours for the whole test, and connections to it are refused
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress("127.0.0.1", 0));
            int closedPort = reserved.getLocalPort();
            String uri = "s3://present/x?endpoint=http://127.0.0.1:" + closedPort + "&path-style=true&access-key-id=a&secret-access-key=b&max-attempts=1";
            assertThatThrownBy(() -> stores().open(uri))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot reach the S3 endpoint http://127.0.0.1:" + closedPort);
        }
    }

    @Test
    void serverThatIgnoresIfNoneMatchIsDetectedAndCommitsAreRefused()
            throws IOException
    {
        try (CheckpointStore store = stores().open(ignoring.uri("present", "unsafe"))) {
            // opening probes nothing: the first create-if-absent does
            assertThat(((S3CheckpointStore) store).conditionalWrites()).isEqualTo(S3CheckpointStore.ConditionalWrites.UNKNOWN);
            assertThatThrownBy(() -> store.createIfAbsent("runs/r/checkpoints/1.json", new byte[] {1}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ignores If-None-Match")
                    .hasMessageContaining("single-writer=true");
            assertThat(((S3CheckpointStore) store).conditionalWrites()).isEqualTo(S3CheckpointStore.ConditionalWrites.IGNORED);
            assertThat(store.exists("runs/r/checkpoints/1.json")).isFalse();
        }
        try (CheckpointStore store = stores().open(ignoring.uri("present", "accepted") + "&single-writer=true")) {
            store.createIfAbsent("cairn-repository.json", new byte[] {1});
            assertThat(store.readAllBytes("cairn-repository.json")).containsExactly(1);
        }
    }

    @Test
    void settingsComeFromTheUriThenOptionsThenPropertiesThenEnvironment()
    {
        URI uri = URI.create("s3://bucket/a/b?region=eu-west-1&part-size=16MiB");
        S3StoreConfig config = S3StoreConfig.from(uri,
                Map.of("region", "us-west-2", "max-attempts", "7", "endpoint", "http://127.0.0.1:9000"),
                S3StoreConfig.settings()
                        .systemProperties(Map.of("cairn.s3.endpoint", "http://10.0.0.1:1", "cairn.s3.path-style", "true"))
                        .environment(Map.of("CAIRN_S3_MAX_ATTEMPTS", "9", "CAIRN_S3_MAX_CONCURRENCY", "12")));
        assertThat(config.bucket()).isEqualTo("bucket");
        assertThat(config.prefix()).isEqualTo("a/b/");
        assertThat(config.region()).contains("eu-west-1");
        assertThat(config.partSize()).isEqualTo(16L << 20);
        assertThat(config.maxAttempts()).isEqualTo(7);
        assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(config.pathStyle()).isTrue();
        assertThat(config.maxConcurrency()).isEqualTo(12);
        assertThat(config.multipartThreshold()).isEqualTo(S3StoreProperties.MULTIPART_THRESHOLD_DEFAULT);
    }

    @Test
    void badSettingsNameTheSettingAndItsRange()
    {
        assertThatThrownBy(() -> config("s3://b/p?part-size=1MiB")).hasMessageContaining("part-size").hasMessageContaining("5MiB");
        assertThatThrownBy(() -> config("s3://b/p?max-attempts=0")).hasMessageContaining("max-attempts").hasMessageContaining("1 to 20");
        assertThatThrownBy(() -> config("s3://b/p?endpoint=ftp://x")).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> config("s3://b/p?colour=blue")).hasMessageContaining("Unknown S3 URI parameter 'colour'").hasMessageContaining("endpoint");
        assertThatThrownBy(() -> config("s3://b/p?access-key-id=only-half")).hasMessageContaining("secret-access-key");
        assertThatThrownBy(() -> config("s3://b/../p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config("s3:///p")).hasMessageContaining("s3://bucket/prefix");
    }

    @Test
    void secretsStayOutOfToString()
    {
        S3StoreConfig config = config("s3://b/p?access-key-id=AKIAEXAMPLE&secret-access-key=topsecret&session-token=tok");
        assertThat(config.toString()).doesNotContain("AKIAEXAMPLE").doesNotContain("topsecret").doesNotContain("tok,").contains("redacted");
        assertThat(config.location()).isEqualTo(URI.create("s3://b/p/"));
    }

    private static S3StoreConfig config(String uri)
    {
        return S3StoreConfig.from(URI.create(uri), Map.of(), S3StoreConfig.settings().systemProperties(Map.of()).environment(Map.of()));
    }
}
