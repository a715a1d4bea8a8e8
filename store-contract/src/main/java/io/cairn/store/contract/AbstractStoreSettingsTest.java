package io.cairn.store.contract;

import io.cairn.core.store.StoreSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where a store's settings come from, proved through the store's own configuration: every store that
 * reads settings with {@link StoreSettings} runs this same scenario, so they all read them the same way.
 * A store's test says how to read one of its whole-number settings.
 */
public abstract class AbstractStoreSettingsTest
{
    private final String settingsName;
    private final String key;
    private final String storeUri;

    /**
     * @param settingsName the store's settings name, as in {@code cairn.<name>.<key>} and {@code CAIRN_<NAME>_<KEY>}
     * @param wholeNumberKey a whole-number setting of the store that takes 11 to 14, with a default outside that range
     * @param storeUri a URI of the store, without a query
     */
    protected AbstractStoreSettingsTest(String settingsName, String wholeNumberKey, String storeUri)
    {
        this.settingsName = requireNonNull(settingsName, "settingsName is null");
        this.key = requireNonNull(wholeNumberKey, "wholeNumberKey is null");
        this.storeUri = requireNonNull(storeUri, "storeUri is null");
    }

    /**
     * Reads the store's configuration as its provider does, but with these system properties and
     * environment variables, and returns the value of the whole-number setting. Opens no connection.
     */
    protected abstract int read(URI uri, Map<String, String> options, Map<String, String> systemProperties, Map<String, String> environment);

    private URI uri(String rawQuery)
    {
        return URI.create(storeUri + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
    }

    @Test
    public void firstFoundWinsFromTheUriThenOptionsThenSystemPropertiesThenEnvironment()
    {
        Map<String, String> environment = Map.of(StoreSettings.environmentVariableName(settingsName, key), "11");
        Map<String, String> properties = Map.of(StoreSettings.systemPropertyName(settingsName, key), "12");
        Map<String, String> options = Map.of(key, "13");
        URI plain = uri("");
        URI withQuery = uri(key + "=14");

        int unset = read(plain, Map.of(), Map.of(), Map.of());
        assertThat(unset).as("the default").isNotIn(11, 12, 13, 14);
        // each place alone
        assertThat(read(plain, Map.of(), Map.of(), environment)).as("environment beats nothing").isEqualTo(11);
        assertThat(read(plain, Map.of(), properties, Map.of())).isEqualTo(12);
        assertThat(read(plain, options, Map.of(), Map.of())).isEqualTo(13);
        assertThat(read(withQuery, Map.of(), Map.of(), Map.of())).isEqualTo(14);
        // each beats the ones after it
        assertThat(read(plain, Map.of(), properties, environment)).as("system property beats environment").isEqualTo(12);
        assertThat(read(plain, options, properties, environment)).as("option beats system property").isEqualTo(13);
        assertThat(read(withQuery, options, properties, environment)).as("query beats option").isEqualTo(14);
        // a blank value is not set: the next place decides
        assertThat(read(uri(key + "="), Map.of(key, " "), Map.of(StoreSettings.systemPropertyName(settingsName, key), ""), environment)).isEqualTo(11);
    }

    @Test
    public void badValueNamesTheSettingAndWhereItCameFrom()
    {
        String environmentVariable = StoreSettings.environmentVariableName(settingsName, key);
        String systemProperty = StoreSettings.systemPropertyName(settingsName, key);
        assertThatThrownBy(() -> read(uri(""), Map.of(), Map.of(), Map.of(environmentVariable, "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("from environment variable " + environmentVariable)
                .hasMessageContaining("'many'");
        assertThatThrownBy(() -> read(uri(""), Map.of(), Map.of(systemProperty, "many"), Map.of()))
                .hasMessageContaining("from system property " + systemProperty);
        assertThatThrownBy(() -> read(uri(""), Map.of(key, "many"), Map.of(), Map.of()))
                .hasMessageContaining("from the store options");
        assertThatThrownBy(() -> read(uri(key + "=many"), Map.of(), Map.of(), Map.of()))
                .hasMessageContaining("from the URI");
    }
}
