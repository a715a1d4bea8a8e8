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
        CliRun train = cairn("train", "--store", store, "--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32",
                "--save-every-steps", "50", "--mode", "full", "--keep-last", "2", "--json");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.err()).doesNotContain(S3ProxyServer.SECRET_KEY);

        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.json().get("store").asText()).isEqualTo("s3://ckpt/run1/");
        assertThat(ls.json().get("checkpoints").findValues("step")).extracting(JsonNode::asLong).containsExactly(100L, 150L);

        // the same flags on local disk list the same checkpoints (runs and times aside)
        String local = temp.resolve("local").toString();
        assertThat(cairn("train", "--store", local, "--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32",
                "--save-every-steps", "50", "--mode", "full", "--keep-last", "2").exitCode()).isZero();
        JsonNode localLs = cairn("ls", "--store", local, "--json").json().get("checkpoints");
        JsonNode s3Ls = ls.json().get("checkpoints");
        for (int i = 0; i < 2; i++) {
            for (String field : List.of("step", "epoch", "kind", "bytes", "metrics")) {
                assertThat(s3Ls.get(i).get(field)).as(field).isEqualTo(localLs.get(i).get(field));
            }
        }

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
        String[] flags = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32", "--mode", "state", "--save-every-steps", "10"};
        String whole = server.uri("ckpt", "whole");
        String interrupted = server.uri("ckpt", "interrupted");
        assertThat(cairn(concat(new String[] {"train", "--store", whole}, flags)).exitCode()).isZero();
        assertThat(cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--max-steps", "73")).exitCode()).isZero();
        CliRun resumed = cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--resume", "--json"));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(70);
        assertThat(dataFileHash(interrupted)).isEqualTo(dataFileHash(whole));
    }

    private static String dataFileHash(String store)
    {
        JsonNode checkpoint = cairn("inspect", "--store", store, "--latest", "--json").json();
        assertThat(checkpoint.get("step").asLong()).isEqualTo(160);
        for (JsonNode file : checkpoint.get("files")) {
            if (file.get("path").asText().startsWith("variables/variables.data")) {
                return file.get("sha256").asText();
            }
        }
        throw new AssertionError("no data file in " + checkpoint);
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

    private static String[] concat(String[] first, String... more)
    {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
