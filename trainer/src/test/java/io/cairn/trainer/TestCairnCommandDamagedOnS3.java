package io.cairn.trainer;

import io.cairn.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.Arrays;
import java.util.List;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A manifest truncated on S3, as a partial copy between buckets leaves it: ls lists the rest, verify
 * names it, resume falls back and ends like an uninterrupted run, and the damaged manifest ends up
 * under {@code quarantine/}, as a plain S3 client lists it.
 */
class TestCairnCommandDamagedOnS3
{
    private static S3ProxyServer server;

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
    void aTruncatedManifestOnS3IsSkippedNamedAndQuarantinedWhenItsStepIsSavedAgain()
    {
        String whole = server.uri("ckpt", "whole");
        String store = server.uri("ckpt", "damaged");
        String[] flags = concat(Scenarios.SEED_FLAGS, "--mode", "state", "--save-every-steps", "10");
        assertThat(cairn(concat(new String[] {"train", "--store", whole}, flags)).exitCode()).isZero();
        CliRun stopped = cairn(concat(concat(new String[] {"train", "--store", store}, flags), "--max-steps", "73", "--json"));
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        String run = stopped.json().get("run").asText();
        String key = "runs/" + run + "/checkpoints/" + String.format("%020d", 70) + ".json";
        try (S3Client client = plainClient()) {
            byte[] json = client.getObjectAsBytes(request -> request.bucket("ckpt").key("damaged/" + key)).asByteArray();
            client.putObject(request -> request.bucket("ckpt").key("damaged/" + key), RequestBody.fromBytes(Arrays.copyOf(json, json.length / 2)));
        }

        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.json().get("checkpoints")).hasSize(6);
        assertThat(ls.json().get("damaged")).singleElement().satisfies(entry -> assertThat(entry.get("key").asText()).isEqualTo(key));
        CliRun verify = cairn("verify", "--store", store);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.err()).contains(key).contains("7 checkpoint(s) verified, 1 damaged");

        CliRun resumed = cairn(concat(concat(new String[] {"train", "--store", store}, flags), "--resume", "--json"));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).contains("Skipped the damaged checkpoint of run " + run + " at step 70: ").contains(key);
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(60);
        assertThat(Scenarios.dataFileHash(Scenarios.inspectLatest(store))).isEqualTo(Scenarios.dataFileHash(Scenarios.inspectLatest(whole)));

        assertThat(listWithPlainClient("ckpt", "damaged/quarantine/")).singleElement().asString()
                .matches("damaged/quarantine/" + run + "/0{18}70-\\d{8}T\\d{9}Z\\.json");
        assertThat(cairn("verify", "--store", store).exitCode()).isZero();
    }

    private static List<String> listWithPlainClient(String bucket, String prefix)
    {
        try (S3Client client = plainClient()) {
            return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
        }
    }

    private static S3Client plainClient()
    {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}
