package io.cairn.core.store;

import io.cairn.core.store.StoreSettings.Setting;
import io.cairn.core.store.StoreSettings.Source;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestStoreSettings
{
    private static final List<String> KEYS = List.of("part-size", "max-attempts", "secret-access-key", "single-writer", "timeout", "endpoint.url");

    @Test
    void queryKeepsPlusSignsAndDecodesPercentEscapes()
    {
        assertThat(StoreSettings.parseQuery("secret-access-key=ab+cd/ef%2Bgh&flag&x=a%20b"))
                .containsEntry("secret-access-key", "ab+cd/ef+gh")
                .containsEntry("flag", "true")
                .containsEntry("x", "a b");
    }

    @Test
    void badEscapeNamesTheParameterButNeverItsValue()
    {
        assertThatThrownBy(() -> StoreSettings.parseQuery("secret-access-key=Super%zzSecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret-access-key")
                .hasMessageNotContaining("Super")
                .hasMessageNotContaining("zz");
    }

    @Test
    void firstFoundWinsFromTheUriThenOptionsThenSystemPropertiesThenEnvironment()
    {
        Map<String, String> environment = Map.of("CAIRN_TEST_MAX_ATTEMPTS", "2", "CAIRN_TEST_PART_SIZE", "2MiB", "CAIRN_TEST_TIMEOUT", "2s", "CAIRN_TEST_SINGLE_WRITER", "true");
        Map<String, String> properties = Map.of("cairn.test.max-attempts", "3", "cairn.test.part-size", "3MiB", "cairn.test.timeout", "3s");
        Map<String, String> options = Map.of("max-attempts", "4", "part-size", "4MiB");
        StoreSettings settings = settings("test://x/y?max-attempts=5", options, properties, environment);

        assertThat(settings.wholeNumber("max-attempts", 1, 10)).contains(5);
        assertThat(settings.bytes("part-size", 1, 1L << 30)).contains(4L << 20);
        assertThat(settings.duration("timeout")).contains(Duration.ofSeconds(3));
        assertThat(settings.bool("single-writer")).contains(true);
        assertThat(settings.string("secret-access-key")).isEmpty();
        assertThat(settings.find("max-attempts").map(Setting::source)).contains(Source.URI);
        assertThat(settings.find("part-size").map(Setting::source)).contains(Source.OPTIONS);
        assertThat(settings.find("timeout").map(Setting::source)).contains(Source.SYSTEM_PROPERTY);
        assertThat(settings.find("single-writer").map(Setting::source)).contains(Source.ENVIRONMENT);
    }

    @Test
    void blankValuesCountAsNotSet()
    {
        StoreSettings settings = settings("test://x/y?max-attempts=", Map.of("max-attempts", " "), Map.of("cairn.test.max-attempts", ""), Map.of("CAIRN_TEST_MAX_ATTEMPTS", "6"));
        assertThat(settings.wholeNumber("max-attempts", 1, 10)).contains(6);
    }

    @Test
    void environmentVariableNamesAreUpperCaseWithUnderscores()
    {
        assertThat(StoreSettings.environmentVariableName("s3", "api-call-timeout")).isEqualTo("CAIRN_S3_API_CALL_TIMEOUT");
        assertThat(StoreSettings.environmentVariableName("hdfs", "endpoint.url")).isEqualTo("CAIRN_HDFS_ENDPOINT_URL");
        assertThat(StoreSettings.systemPropertyName("s3", "api-call-timeout")).isEqualTo("cairn.s3.api-call-timeout");
        assertThat(settings("test://x", Map.of(), Map.of(), Map.of("CAIRN_TEST_ENDPOINT_URL", "http://h")).string("endpoint.url")).contains("http://h");
    }

    @Test
    void errorsNameTheSettingAndWhereItCameFrom()
    {
        assertThatThrownBy(() -> settings("test://x?part-size=1", Map.of(), Map.of(), Map.of()).bytes("part-size", 5L << 20, 5L << 30))
                .hasMessageStartingWith("TEST setting part-size (from the URI) must be a size from 5MiB to 5GiB");
        assertThatThrownBy(() -> settings("test://x", Map.of("max-attempts", "0"), Map.of(), Map.of()).wholeNumber("max-attempts", 1, 20))
                .hasMessageStartingWith("TEST setting max-attempts (from the store options) must be a whole number from 1 to 20");
        assertThatThrownBy(() -> settings("test://x", Map.of(), Map.of("cairn.test.timeout", "soon"), Map.of()).duration("timeout"))
                .hasMessageContaining("(from system property cairn.test.timeout)");
        assertThatThrownBy(() -> settings("test://x", Map.of(), Map.of(), Map.of("CAIRN_TEST_SINGLE_WRITER", "maybe")).bool("single-writer"))
                .hasMessageContaining("(from environment variable CAIRN_TEST_SINGLE_WRITER)");
    }

    @Test
    void unknownKeysOfTheQueryAndOptionsAreRejectedListingTheKnownOnes()
    {
        assertThatThrownBy(() -> settings("test://x?colour=blue", Map.of(), Map.of(), Map.of()))
                .hasMessageStartingWith("Unknown TEST URI parameter 'colour'; known: endpoint.url, max-attempts, part-size")
                .hasMessageNotContaining("blue");
        assertThatThrownBy(() -> settings("test://x", Map.of("colour", "blue"), Map.of(), Map.of()))
                .hasMessageStartingWith("Unknown TEST store option 'colour'");
        // system properties and environment variables are only looked up, never listed: others may have the prefix
        assertThat(settings("test://x", Map.of(), Map.of("cairn.test.colour", "blue"), Map.of("CAIRN_TEST_COLOUR", "blue")).string("part-size")).isEmpty();
        assertThatThrownBy(() -> settings("test://x", Map.of(), Map.of(), Map.of()).string("colour")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passThroughKeysComeFromTheUriAndOptionsVerbatim()
    {
        StoreSettings settings = StoreSettings.builder("test", KEYS)
                .passThrough(List.of("dfs.", "fs."))
                .systemProperties(Map.of("cairn.test.dfs.a", "property"))
                .environment(Map.of("CAIRN_TEST_DFS_A", "environment"))
                .build(URI.create("test://x?dfs.a=uri&fs.flag"), Map.of("dfs.a", "option", "dfs.b", "", "part-size", "1MiB"));
        assertThat(settings.passThrough()).containsOnlyKeys("dfs.a", "dfs.b", "fs.flag");
        assertThat(settings.passThrough().get("dfs.a")).isEqualTo(new Setting("test", "dfs.a", "uri", Source.URI));
        assertThat(settings.passThrough().get("dfs.b")).isEqualTo(new Setting("test", "dfs.b", "", Source.OPTIONS));
        assertThat(settings.passThrough().get("fs.flag").value()).isEqualTo("true");
        // a bare prefix is no key
        assertThatThrownBy(() -> StoreSettings.builder("test", KEYS).passThrough(List.of("dfs.")).build(URI.create("test://x?dfs."), Map.of()))
                .hasMessageContaining("Unknown TEST URI parameter 'dfs.'")
                .hasMessageContaining("any key starting with dfs.");
    }

    @Test
    void secretsStayOutOfMessagesAndToString()
    {
        StoreSettings settings = settings("test://x?secret-access-key=topsecret", Map.of(), Map.of(), Map.of());
        Setting secret = settings.find("secret-access-key").orElseThrow();
        assertThat(secret.value()).isEqualTo("topsecret");
        assertThat(secret.toString()).doesNotContain("topsecret").contains("secret-access-key");
        assertThat(settings.toString()).doesNotContain("topsecret");
    }

    private static StoreSettings settings(String uri, Map<String, String> options, Map<String, String> systemProperties, Map<String, String> environment)
    {
        return StoreSettings.builder("test", KEYS)
                .systemProperties(systemProperties)
                .environment(environment)
                .build(URI.create(uri), options);
    }
}
