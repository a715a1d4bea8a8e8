package io.cairn.core.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestStoreKeys
{
    @Test
    public void acceptsRelativeSlashSeparatedKeys()
    {
        for (String key : new String[] {"a", "cairn-repository.json", "chunks/0a/0a1b2c", "runs/r-1/checkpoints/00000000000000000100.json",
                ".hidden", "a/..b/c..", "with space/ünïcode", "x".repeat(1024)}) {
            assertThat(StoreKeys.check(key)).isEqualTo(key);
        }
    }

    @Test
    public void rejectsKeysThatCouldEscapeOrAliasAnotherKey()
    {
        assertRejected(null, "empty");
        assertRejected("", "empty");
        assertRejected("/abs", "/abs");
        assertRejected("a/", "a/");
        assertRejected("a//b", "a//b");
        assertRejected("a/./b", "a/./b");
        assertRejected(".", "'.'");
        assertRejected("..", "'..'");
        assertRejected("../x", "../x");
        assertRejected("a/..", "a/..");
        assertRejected("a\\b", "a\\u005cb");
        assertRejected("a\nb", "a\\u000ab");
        assertRejected("a\u0000b", "a\\u0000b");
        assertRejected("x".repeat(1025), "longer than 1024");
    }

    @Test
    public void prefixesMayBeEmptyOrEndWithASlash()
    {
        assertThat(StoreKeys.checkPrefix("")).isEmpty();
        assertThat(StoreKeys.checkPrefix("runs/")).isEqualTo("runs/");
        assertThat(StoreKeys.checkPrefix("runs/a")).isEqualTo("runs/a");
        for (String prefix : new String[] {"/", "//", "/runs", "runs//", "../", "a/../", "a\\"}) {
            assertThatThrownBy(() -> StoreKeys.checkPrefix(prefix)).as(prefix).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> StoreKeys.checkPrefix(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void checkPathNamesTheThingInTheMessage()
    {
        assertThat(StoreKeys.checkPath("variables/variables.index", "File path")).isEqualTo("variables/variables.index");
        assertThatThrownBy(() -> StoreKeys.checkPath("../etc/passwd", "File path in manifest runs/x/checkpoints/1.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("File path in manifest runs/x/checkpoints/1.json")
                .hasMessageContaining("../etc/passwd");
    }

    private static void assertRejected(String key, String messagePart)
    {
        assertThatThrownBy(() -> StoreKeys.check(key))
                .as(String.valueOf(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart);
    }
}
