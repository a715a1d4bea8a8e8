package io.cairn.core.tf;

import io.cairn.core.checkpoint.Manifest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Manifests name tensor types without TensorFlow; these names must be exactly the ones the TF side
 * can write and read.
 */
class TestTensorTypes
{
    @Test
    void theManifestsTypesAreExactlyTheOnesTensorFlowCanCheckpoint()
    {
        assertThat(TensorTypes.supportedNames()).containsExactlyElementsOf(Manifest.VariableEntry.DTYPES);
        Manifest.VariableEntry.DTYPES.forEach(name -> assertThat(TensorTypes.name(TensorTypes.parse(name))).isEqualTo(name));
    }

    @Test
    void byteWidthsFollowTheType()
    {
        assertThat(TensorTypes.byteWidth("FLOAT")).isEqualTo(4);
        assertThat(TensorTypes.byteWidth("INT64")).isEqualTo(8);
        assertThat(TensorTypes.byteWidth("HALF")).isEqualTo(2);
        assertThat(TensorTypes.byteWidth("BOOL")).isEqualTo(1);
        assertThatThrownBy(() -> TensorTypes.byteWidth("STRING")).hasMessageContaining("STRING is not supported");
    }
}
