package io.cairn.core.store;

/**
 * Validates store keys. Keys come from code and from stored data (manifests name chunk and file
 * paths), so every backend checks them before touching the storage.
 */
public final class StoreKeys
{
    private static final int MAX_KEY_LENGTH = 1024;

    private StoreKeys() {}

    /**
     * Returns the key if it is a valid relative key, else throws {@link IllegalArgumentException}
     * naming it: non-empty, no leading or trailing {@code /}, no empty, {@code .} or {@code ..}
     * segment, no backslash or control character.
     */
    public static String check(String key)
    {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("Store key is empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("Store key is longer than " + MAX_KEY_LENGTH + " characters: " + key.substring(0, 64) + "...");
        }
        checkPath(key, "Store key");
        return key;
    }

    /**
     * Checks a prefix for {@link CheckpointStore#list}: empty, or a key that may end with {@code /}.
     */
    public static String checkPrefix(String prefix)
    {
        if (prefix == null) {
            throw new IllegalArgumentException("Store prefix is null");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }

    /**
     * Checks a relative {@code /}-separated path with the same rules as keys; {@code what} names the
     * thing in the message, e.g. "File path in manifest runs/x/checkpoints/1.json".
     */
    public static String checkPath(String path, String what)
    {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException(what + " must be relative and must not end with '/': " + path);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " contains a backslash or control character: " + printable(path));
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(what + " has an empty, '.' or '..' segment: " + path);
            }
        }
        return path;
    }

    private static String printable(String s)
    {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(Character.isISOControl(c) || c == '\\' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
