package io.cairn.core.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The settings of one store, looked up the same way by every store. A key is read from these places,
 * and the first that has it wins:
 * <ol>
 * <li>the URI query: {@code s3://bucket/prefix?part-size=16MiB} (a parameter without {@code =} means
 * {@code true});</li>
 * <li>the options given to {@link CheckpointStoreProvider#open}: a program's map, the trainer's
 * configuration;</li>
 * <li>the system property {@code cairn.<store>.<key>}, e.g. {@code -Dcairn.s3.part-size=16MiB};</li>
 * <li>the environment variable {@code CAIRN_<STORE>_<KEY>}, upper case, with {@code -} and {@code .}
 * as {@code _}: {@code CAIRN_S3_PART_SIZE}.</li>
 * </ol>
 * A blank value counts as not set. Every key of the query and the options must be one of the store's
 * keys or start with one of its pass-through prefixes, so that a misspelt key fails, listing the known
 * ones. System properties and environment variables are looked up by the store's keys only; pass-through
 * keys come from the query and the options alone (see {@link #passThrough()}).
 *
 * <p>The typed getters parse and check a value; their errors name the setting and where it came from,
 * e.g. {@code S3 setting part-size (from environment variable CAIRN_S3_PART_SIZE) must be a size from
 * 5MiB to 5GiB (e.g. 8MiB), got '1MiB'}. No message and no {@code toString()} shows a value that
 * {@link #string} returns, so credentials may be read with it. {@link SettingValues} has the same
 * parsers for values that come from elsewhere (a command line flag).
 */
public final class StoreSettings
{
    /**
     * Where a setting was found, in the order they are looked in.
     */
    public enum Source
    {
        URI,
        OPTIONS,
        SYSTEM_PROPERTY,
        ENVIRONMENT,
    }

    /**
     * One setting as found: its key, its value, and where it came from. {@link #toString()} leaves the
     * value out, as it may be a secret.
     */
    public record Setting(String store, String key, String value, Source source)
    {
        public Setting
        {
            requireNonNull(store, "store is null");
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
            requireNonNull(source, "source is null");
        }

        /**
         * The setting and where it came from, for messages: {@code S3 setting part-size (from the URI)}.
         */
        public String name()
        {
            String from = switch (source) {
                case URI -> "the URI";
                case OPTIONS -> "the store options";
                case SYSTEM_PROPERTY -> "system property " + systemPropertyName(store, key);
                case ENVIRONMENT -> "environment variable " + environmentVariableName(store, key);
            };
            return store.toUpperCase(Locale.ROOT) + " setting " + key + " (from " + from + ")";
        }

        @Override
        public String toString()
        {
            return name();
        }
    }

    private final String store;
    private final Set<String> keys;
    private final Map<String, String> query;
    private final Map<String, String> options;
    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;
    private final Map<String, Setting> passThrough;

    private StoreSettings(Builder builder, URI uri, Map<String, String> options)
    {
        this.store = builder.store;
        this.keys = builder.keys;
        this.systemProperties = builder.systemProperties;
        this.environment = builder.environment;
        this.query = parseQuery(uri.getRawQuery());
        this.options = new TreeMap<>();
        options.forEach((key, value) -> this.options.put(requireNonNull(key, "store option key is null"), requireNonNull(value, "value of store option " + key + " is null")));
        builder.checkKeys(query, "URI parameter");
        builder.checkKeys(this.options, "store option");

        Map<String, Setting> passThrough = new TreeMap<>();
        this.options.forEach((key, value) -> {
            if (builder.isPassThrough(key)) {
                passThrough.put(key, new Setting(store, key, value, Source.OPTIONS));
            }
        });
        // the URI wins over the options
        query.forEach((key, value) -> {
            if (builder.isPassThrough(key)) {
                passThrough.put(key, new Setting(store, key, value, Source.URI));
            }
        });
        this.passThrough = Collections.unmodifiableMap(passThrough);
    }

    /**
     * Starts reading the settings of a store.
     *
     * @param store the store's short lower-case name, e.g. {@code s3}: it names the store in messages
     * and prefixes its system properties ({@code cairn.s3.}) and environment variables ({@code CAIRN_S3_})
     * @param keys the store's keys, e.g. {@code part-size}
     */
    public static Builder builder(String store, Collection<String> keys)
    {
        return new Builder(store, keys);
    }

    /**
     * {@code cairn.<store>.<key>}
     */
    public static String systemPropertyName(String store, String key)
    {
        return "cairn." + store + "." + key;
    }

    /**
     * {@code CAIRN_<STORE>_<KEY>}, upper case, with {@code -} and {@code .} as {@code _}.
     */
    public static String environmentVariableName(String store, String key)
    {
        return ("CAIRN_" + store + "_" + key).toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /**
     * The setting of one of the store's keys, from the first place that has it.
     */
    public Optional<Setting> find(String key)
    {
        if (!keys.contains(key)) {
            throw new IllegalArgumentException(store.toUpperCase(Locale.ROOT) + " has no setting '" + key + "'; known: " + String.join(", ", keys));
        }
        return found(key, query.get(key), Source.URI)
                .or(() -> found(key, options.get(key), Source.OPTIONS))
                .or(() -> found(key, systemProperties.apply(systemPropertyName(store, key)), Source.SYSTEM_PROPERTY))
                .or(() -> found(key, environment.apply(environmentVariableName(store, key)), Source.ENVIRONMENT));
    }

    private Optional<Setting> found(String key, String value, Source source)
    {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(new Setting(store, key, value, source));
    }

    /**
     * The value as given; for names, URLs and credentials. No message shows it.
     */
    public Optional<String> string(String key)
    {
        return find(key).map(Setting::value);
    }

    /**
     * {@code true}, {@code yes}, {@code 1}, {@code false}, {@code no} or {@code 0}.
     */
    public Optional<Boolean> bool(String key)
    {
        return find(key).map(setting -> SettingValues.bool(setting.name(), setting.value()));
    }

    public Optional<Integer> wholeNumber(String key, int min, int max)
    {
        return find(key).map(setting -> SettingValues.wholeNumber(setting.name(), setting.value(), min, max));
    }

    /**
     * A size in bytes, see {@link SettingValues#bytes}.
     */
    public Optional<Long> bytes(String key, long min, long max)
    {
        return find(key).map(setting -> SettingValues.bytes(setting.name(), setting.value(), min, max));
    }

    /**
     * A positive duration, see {@link SettingValues#duration}.
     */
    public Optional<Duration> duration(String key)
    {
        return find(key).map(setting -> SettingValues.duration(setting.name(), setting.value()));
    }

    /**
     * The settings whose keys start with a pass-through prefix (e.g. Hadoop's {@code dfs.}), from the
     * URI query and the options (the URI wins), by key. They are given verbatim, blank values too: the
     * store hands them on to its client, which knows their meaning. Their names cannot be spelled as
     * environment variables without loss, so they are not looked up there or in system properties.
     */
    public Map<String, Setting> passThrough()
    {
        return passThrough;
    }

    @Override
    public String toString()
    {
        // keys only: values may be secrets
        return "StoreSettings{store=" + store + ", query=" + query.keySet() + ", options=" + options.keySet() + "}";
    }

    /**
     * The decoded parameters of a raw URI query, in order; a parameter without {@code =} is
     * {@code true}. Empty parameters are skipped.
     */
    static Map<String, String> parseQuery(String rawQuery)
    {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals), "a URI parameter name");
            String value = equals < 0 ? "true" : decode(pair.substring(equals + 1), "the URI parameter " + key);
            query.put(key, value);
        }
        return query;
    }

    /**
     * Percent-decoding as in RFC 3986: {@code +} stays {@code +} (secrets often hold one). The error
     * names the parameter, never its value.
     */
    private static String decode(String text, String what)
    {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The value of " + what + " is not properly %-encoded");
        }
    }

    /**
     * Says which keys a store has and where values come from; {@link #build} reads them.
     */
    public static final class Builder
    {
        private final String store;
        private final Set<String> keys;
        private List<String> passThroughPrefixes = List.of();
        private Function<String, String> systemProperties = System::getProperty;
        private Function<String, String> environment = System::getenv;

        private Builder(String store, Collection<String> keys)
        {
            requireNonNull(store, "store is null");
            if (!store.matches("[a-z][a-z0-9]*")) {
                throw new IllegalArgumentException("Store name must be lower-case letters and digits: " + store);
            }
            this.store = store;
            this.keys = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(keys, "keys is null")));
        }

        /**
         * Accepts, besides the store's keys, any key that starts with one of the prefixes and is longer
         * than it, e.g. Hadoop's {@code dfs.}; see {@link StoreSettings#passThrough()}.
         */
        public Builder passThrough(Collection<String> prefixes)
        {
            this.passThroughPrefixes = List.copyOf(prefixes);
            return this;
        }

        /**
         * Looks system properties up in this map instead of {@link System#getProperty}: for tests.
         */
        public Builder systemProperties(Map<String, String> systemProperties)
        {
            this.systemProperties = Map.copyOf(systemProperties)::get;
            return this;
        }

        /**
         * Looks environment variables up in this map instead of {@link System#getenv}: for tests, as
         * a JVM cannot change its own environment.
         */
        public Builder environment(Map<String, String> environment)
        {
            this.environment = Map.copyOf(environment)::get;
            return this;
        }

        /**
         * Reads the settings of the store at the URI, with the options given to
         * {@link CheckpointStoreProvider#open}.
         *
         * @throws IllegalArgumentException naming a key of the query or options that the store does not
         * have, or a query that is not properly %-encoded
         */
        public StoreSettings build(URI uri, Map<String, String> options)
        {
            return new StoreSettings(this, requireNonNull(uri, "uri is null"), requireNonNull(options, "options is null"));
        }

        private boolean isPassThrough(String key)
        {
            return passThroughPrefixes.stream().anyMatch(prefix -> key.startsWith(prefix) && key.length() > prefix.length());
        }

        private void checkKeys(Map<String, String> settings, String where)
        {
            for (String key : settings.keySet()) {
                if (!keys.contains(key) && !isPassThrough(key)) {
                    throw new IllegalArgumentException("Unknown " + store.toUpperCase(Locale.ROOT) + " " + where + " '" + key + "'; known: " + String.join(", ", keys)
                            + (passThroughPrefixes.isEmpty() ? "" : ", and any key starting with " + String.join(", ", passThroughPrefixes)));
                }
            }
        }
    }
}
