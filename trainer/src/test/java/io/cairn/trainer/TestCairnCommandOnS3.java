package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Path;
import java.util.List;

import static io.cairn.trainer.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line end to end on {@code s3://}, against S3Proxy on 127.0.0.1: train, ls, inspect,
 * export, resume; the objects are laid out as DESIGN.md says, for any S3 client to list.
 */
class TestCairnCommandOnS3
{
    private static S3ProxyServer server;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer()
            throws Exception
    {
        server = S3ProxyServer.start();
        server.createBucket("ckpt");
    }

    @AfterAll
    static void stopServer()
            throws Exception
    {
        server.close();
    }

    @Test
    void trainListInspectExportAndResumeOnS3()
    {
        String store = server.uri("ckpt", "run1");
        JsonNode checkpoints = Scenarios.trainSeedKeepingTheLastTwo(store);
        assertThat(cairn("ls", "--store", store, "--json").json().get("store").asText()).isEqualTo("s3://ckpt/run1/");
        // the same flags on local disk list the same checkpoints (runs and times aside)
        Scenarios.assertSameCheckpoints(checkpoints, Scenarios.trainSeedKeepingTheLastTwo(temp.resolve("local").toString()));

        CliRun inspect = cairn("inspect", "--store", store, "--latest", "--json");
        assertThat(inspect.exitCode()).isZero();
        assertThat(inspect.json().get("step").asLong()).isEqualTo(150);

        Path out = temp.resolve("export");
        CliRun export = cairn("export", "--store", store, "--latest", "--to", out.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(out.resolve("saved_model.pb")).isRegularFile();

        // the layout of DESIGN.md, as a plain S3 client lists it
        List<String> keys = listWithPlainClient("ckpt", "run1/");
        assertThat(keys).contains("run1/cairn-repository.json");
        assertThat(keys).anyMatch(key -> key.matches("run1/chunks/[0-9a-f]{2}/[0-9a-f]{64}"));
        assertThat(keys).filteredOn(key -> key.contains("/checkpoints/"))
                .allMatch(key -> key.matches("run1/runs/[^/]+/checkpoints/\\d{20}\\.json"))
                .hasSize(2);
        assertThat(keys).noneMatch(key -> key.contains(".cairn-probe"));
    }

    @Test
    void resumeOnS3EndsLikeAnUninterruptedRun()
    {
        Scenarios.assertResumeEndsLikeAnUninterruptedRun(server.uri("ckpt", "whole"), server.uri("ckpt", "interrupted"));
    }

    private static List<String> listWithPlainClient(String bucket, String prefix)
    {
        try (S3Client client = S3Client.builder()
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
        }
    }
}
