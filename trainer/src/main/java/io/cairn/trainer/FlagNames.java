package io.cairn.trainer;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Core's messages name its Java API ({@code keepLast}, {@code SaveKind.STATE}); a command-line user
 * typed flags. Every message the command line prints for a failed command goes through
 * {@link #translate}, which names the flags instead.
 */
final class FlagNames
{
    private static final List<Rule> RULES = List.of(
            new Rule("\\bkeepLast\\b", "--keep-last"),
            new Rule("\\bkeepEverySteps\\b", "--keep-every-steps"),
            new Rule("\\bkeepBest\\b", "--keep-best"),
            new Rule("\\bkeepEvery\\b", "--keep-every"),
            new Rule("\\bSaveKind\\.STATE\\b", "--mode state"),
            new Rule("\\bSaveKind\\.FULL\\b", "--mode full"),
            new Rule("\\bSaveKind\\.WEIGHTS\\b", "--mode weights"),
            new Rule("\\bforce=true\\b", "--force"),
            new Rule("\\bbatchSize=(-?\\d+)\\b", "--batch $1"),
            new Rule("\\bseed=(-?\\d+)\\b", "--seed $1"),
            new Rule("\\bthe store URI\\b", "--store"));

    private FlagNames() {}

    static String translate(String message)
    {
        String translated = message;
        for (Rule rule : RULES) {
            translated = rule.pattern().matcher(translated).replaceAll(rule.replacement());
        }
        return translated;
    }

    /**
     * @param replacement the text for a match; {@code $1} stands for the first group
     */
    private record Rule(Pattern pattern, String replacement)
    {
        Rule(String regex, String replacement)
        {
            this(Pattern.compile(regex), replacement);
        }
    }
}
