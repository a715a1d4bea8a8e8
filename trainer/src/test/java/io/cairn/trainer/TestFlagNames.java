package io.cairn.trainer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestFlagNames
{
    @Test
    void retentionSettingsBecomeTheirFlags()
    {
        assertThat(FlagNames.translate("keepLast must be at least 1, got 0")).isEqualTo("--keep-last must be at least 1, got 0");
        assertThat(FlagNames.translate("keepEverySteps must be at least 1, got 0")).isEqualTo("--keep-every-steps must be at least 1, got 0");
        assertThat(FlagNames.translate("keepBest must be at least 1, got -2")).isEqualTo("--keep-best must be at least 1, got -2");
        assertThat(FlagNames.translate("keepEvery must be a positive duration, got PT0S")).isEqualTo("--keep-every must be a positive duration, got PT0S");
    }

    @Test
    void saveKindsBecomeModeFlags()
    {
        assertThat(FlagNames.translate("Run r has only WEIGHTS checkpoints, which cannot resume training exactly; save with SaveKind.STATE or SaveKind.FULL, or start a new run"))
                .endsWith("; save with --mode state or --mode full, or start a new run")
                .contains("only WEIGHTS checkpoints");
    }

    @Test
    void forceBecomesItsFlag()
    {
        assertThat(FlagNames.translate("a sweep now could delete chunks its next checkpoint needs. Run gc when training has stopped, or pass force=true"))
                .endsWith("Run gc when training has stopped, or pass --force");
    }

    @Test
    void resumeSettingsBecomeFlagsWithTheirValues()
    {
        assertThat(FlagNames.translate("The run being resumed used batch size 32, not 64; resume with batchSize=32"))
                .isEqualTo("The run being resumed used batch size 32, not 64; resume with --batch 32");
        assertThat(FlagNames.translate("The run being resumed used seed 42, not 7; resume with seed=42")).endsWith("; resume with --seed 42");
        assertThat(FlagNames.translate("resume with seed=-3")).isEqualTo("resume with --seed -3");
    }

    @Test
    void theStoreUriBecomesTheStoreFlag()
    {
        assertThat(FlagNames.translate("No Cairn repository at file:/x/ (no cairn-repository.json); check the store URI, or train into it first"))
                .endsWith("; check --store, or train into it first");
    }

    @Test
    void messagesInFlagNamesAndOtherWordsStayAsTheyAre()
    {
        String today = "No Cairn repository at file:/x/ (no cairn-repository.json); check --store, or train into it first; resume with --batch 32";
        assertThat(FlagNames.translate(today)).isEqualTo(today);
        // only whole names change: a run id or a key that merely contains one is left alone
        assertThat(FlagNames.translate("Run keepLastRun at s3://b/seed=1x/ uses forced=true")).isEqualTo("Run keepLastRun at s3://b/seed=1x/ uses forced=true");
    }
}
