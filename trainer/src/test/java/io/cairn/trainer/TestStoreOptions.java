package io.cairn.trainer;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestStoreOptions
{
    @Test
    void secretValuesAreRedactedOthersAreNot()
    {
        String[] args = {"train", "--store", "s3://b/p", "--store-option", "secret-access-key=hush-hush", "--store-option=session-token=tok-123",
                "--store-option", "region=eu-west-1"};
        assertThat(StoreOptions.redact("bad: hush-hush, tok-123 in eu-west-1", args)).isEqualTo("bad: <redacted>, <redacted> in eu-west-1");
    }

    @Test
    void anEntryWithoutEqualsAndTheArgumentAfterItAreRedacted()
    {
        // a secret typed where KEY=VALUE belongs: picocli would quote the stray argument
        String[] args = {"ls", "--store", "s3://b/p", "--store-option", "secret-access-key", "hush-hush"};
        assertThat(StoreOptions.redact("Unmatched argument at index 5: 'hush-hush'", args)).isEqualTo("Unmatched argument at index 5: '<redacted>'");
        assertThat(StoreOptions.redact("x", new String[] {"ls", "--store-option"})).isEqualTo("x");
    }

    @Test
    void entriesWithoutAKeyOrValueAreRejectedWithoutQuotingThem()
    {
        StoreOptions options = new StoreOptions();
        options.options = new LinkedHashMap<>(Map.of("hush-hush", StoreOptions.NO_VALUE));
        assertThatThrownBy(() -> options.location("s3://b/p")).isInstanceOf(UsageException.class).hasMessageStartingWith("--store-option takes KEY=VALUE")
                .hasMessageNotContaining("hush-hush");
        options.options = new LinkedHashMap<>(Map.of("", "x"));
        assertThatThrownBy(() -> options.location("s3://b/p")).isInstanceOf(UsageException.class).hasMessageContaining("without a key");
        options.options = new LinkedHashMap<>(Map.of("region", "eu-west-1"));
        assertThat(options.location("s3://b/p")).isEqualTo(new StoreLocation("s3://b/p", Map.of("region", "eu-west-1")));
    }

    @Test
    void anExportTargetOfTheSameSchemeSharesTheOptions()
    {
        StoreLocation store = new StoreLocation("s3://b/p?endpoint=http://h:1", Map.of("path-style", "true"));
        assertThat(store.sibling("S3://other/x").options()).containsEntry("path-style", "true");
        assertThat(store.sibling("/tmp/out").options()).isEmpty();
        assertThat(store.child("n")).isEqualTo(new StoreLocation("s3://b/p/n?endpoint=http://h:1", Map.of("path-style", "true")));
    }
}
