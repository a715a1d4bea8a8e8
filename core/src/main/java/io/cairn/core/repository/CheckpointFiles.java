package io.cairn.core.repository;

import io.cairn.core.checkpoint.CorruptCheckpointException;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names inside a checkpoint. Every kind keeps its variables as a TF checkpoint with the prefix
 * {@code variables/variables}, where a SavedModel keeps them, so one reader serves all kinds.
 */
public final class CheckpointFiles
{
    public static final String SAVED_MODEL_PB = "saved_model.pb";
    public static final String VARIABLES_DIRECTORY = "variables/";
    public static final String VARIABLES_PREFIX = VARIABLES_DIRECTORY + "variables";
    public static final String VARIABLES_INDEX = VARIABLES_PREFIX + ".index";
    public static final String TRAINER_STATE = "trainer-state.json";

    private static final Pattern DATA_SHARD = Pattern.compile(Pattern.quote(VARIABLES_PREFIX) + "\\.data-(\\d{5})-of-\\d{5}");

    private CheckpointFiles() {}

    public static boolean isVariablesFile(String path)
    {
        return path.startsWith(VARIABLES_PREFIX + ".");
    }

    /**
     * The shard number of a variables data file ({@code variables/variables.data-00000-of-00001} is
     * shard 0); empty for any other file.
     */
    public static OptionalInt dataShard(String path)
    {
        Matcher matcher = DATA_SHARD.matcher(path);
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    /**
     * A checkpoint file's place under a local directory; fails if the path would leave it.
     */
    public static Path resolveInside(Path directory, String relative)
    {
        Path target = directory.resolve(relative).normalize();
        if (!target.startsWith(directory.normalize())) {
            throw new CorruptCheckpointException("File path " + relative + " leaves the checkpoint directory");
        }
        return target;
    }
}
