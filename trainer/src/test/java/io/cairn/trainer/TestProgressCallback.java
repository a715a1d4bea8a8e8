package io.cairn.trainer;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class TestProgressCallback
{
    @Test
    void lossComesFirstWhateverTheMapsOrder()
    {
        Map<String, Double> sorted = new TreeMap<>(Map.of("loss", 1.5, "accuracy", 0.25, "top5", 0.75));
        Map<String, Double> inserted = new LinkedHashMap<>();
        inserted.put("top5", 0.75);
        inserted.put("accuracy", 0.25);
        inserted.put("loss", 1.5);

        assertThat(ProgressCallback.metrics(sorted)).isEqualTo("loss: 1.5000 - accuracy: 0.2500 - top5: 0.7500");
        assertThat(ProgressCallback.metrics(inserted)).isEqualTo(ProgressCallback.metrics(sorted));
        assertThat(ProgressCallback.metrics(Map.of())).isEmpty();
    }
}
