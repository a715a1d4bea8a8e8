package io.cairn.trainer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestModelSpec
{
    @Test
    void specsWithTheSameLayersAreEqual()
    {
        ModelSpec parsed = ModelSpec.parse("mlp:100, 10,5");
        assertThat(parsed).isEqualTo(new ModelSpec(List.of(100, 10, 5))).hasSameHashCodeAs(new ModelSpec(List.of(100, 10, 5)));
        assertThat(parsed).isNotEqualTo(ModelSpec.parse("mlp:100,12,5"));
        assertThat(parsed.toString()).isEqualTo("mlp:100,10,5");
        assertThat(parsed.inputs()).isEqualTo(100);
        assertThat(parsed.classes()).isEqualTo(5);
    }

    @Test
    void aSpecIsACopyOfTheSizesItWasGiven()
    {
        List<Integer> sizes = new ArrayList<>(List.of(4, 2));
        ModelSpec spec = new ModelSpec(sizes);
        sizes.set(0, 8);
        assertThat(spec.inputs()).isEqualTo(4);
    }
}
