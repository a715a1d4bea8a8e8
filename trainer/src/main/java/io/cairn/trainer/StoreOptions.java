package io.cairn.trainer;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code --store-option KEY=VALUE}, repeatable, on every command that opens a store: the settings a
 * store's URI query takes ({@code endpoint}, {@code region}, {@code replication}...), given apart
 * from the URI. The URI query wins over them, as the providers read it first.
 */
final class StoreOptions
{
    static final String FLAG = "--store-option";

    // an entry without '=' gets this value, so picocli's own error (which quotes the entry) never prints a misplaced secret
    static final String NO_VALUE = "\u0000no value";
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|token|password|credential).*");
    private static final String REDACTED = "<redacted>";

    @Option(names = FLAG, paramLabel = "KEY=VALUE", mapFallbackValue = NO_VALUE,
            description = "A store setting, repeatable, as in the URI query (e.g. region=eu-west-1 for s3:, replication=2 for hdfs:); the URI query wins.")
    Map<String, String> options = new LinkedHashMap<>();

    StoreLocation location(String uri)
    {
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (option.getValue().equals(NO_VALUE)) {
                throw new UsageException(FLAG + " takes KEY=VALUE, e.g. region=eu-west-1; one was given without '=' (not shown, it may be a secret)");
            }
            if (option.getKey().isBlank()) {
                throw new UsageException(FLAG + " takes KEY=VALUE, e.g. region=eu-west-1; one was given without a key");
            }
        }
        return new StoreLocation(uri, options);
    }

    /**
     * Replaces in a message what the arguments give as secret: the value of a {@code --store-option}
     * whose key names a secret, token, password or credential, and an entry without {@code '='} with the
     * argument after it (a secret typed where {@code KEY=VALUE} belongs). Every message printed for a
     * failed command goes through this.
     */
    static String redact(String message, String[] args)
    {
        String redacted = message;
        for (String secret : secrets(args)) {
            redacted = redacted.replace(secret, REDACTED);
        }
        return redacted;
    }

    private static List<String> secrets(String[] args)
    {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String entry;
            if (args[i].equals(FLAG) && i + 1 < args.length) {
                entry = args[++i];
            }
            else if (args[i].startsWith(FLAG + "=")) {
                entry = args[i].substring(FLAG.length() + 1);
            }
            else {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals < 0) {
                secrets.add(entry);
                if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                    secrets.add(args[i + 1]);
                }
            }
            else if (SECRET_KEY.matcher(entry.substring(0, equals)).matches()) {
                secrets.add(entry.substring(equals + 1));
            }
        }
        secrets.removeIf(String::isEmpty);
        return secrets;
    }
}
