package io.cairn.core.model;

import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Frozen layers keep their weights through training and get no optimizer slots.
 */
class TestSequentialFreeze
{
    private static final float[][] X = {{1, 0, 0, 2}, {0, 1, 0, -1}, {0, 0, 1, 0.5f}, {1, 1, 1, 1}};
    private static final float[][] Y = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}};

    @Test
    void theFirstLayersStayAsTheyWereAndTheRestTrain()
    {
        try (Model model = Sequential.mlp(4, 8, 6, 3).freeze(1).seed(7).build()) {
            model.initialize();
            float[] kernel1 = values(model, "dense_1_kernel");
            float[] bias1 = values(model, "dense_1_bias");
            float[] kernel2 = values(model, "dense_2_kernel");
            for (int step = 0; step < 20; step++) {
                model.trainStep(X, Y);
            }
            assertThat(values(model, "dense_1_kernel")).containsExactly(kernel1);
            assertThat(values(model, "dense_1_bias")).containsExactly(bias1);
            assertThat(Arrays.equals(values(model, "dense_2_kernel"), kernel2)).as("the second layer trains").isFalse();
            assertThat(model.variables()).extracting(ModelVariable::name)
                    .contains("dense_1_kernel", "dense_1_bias", "dense_2_kernel_m")
                    .noneMatch(name -> name.startsWith("dense_1_") && !name.equals("dense_1_kernel") && !name.equals("dense_1_bias"));
            assertThat(model.variable("dense_1_kernel").orElseThrow().role()).isEqualTo(VariableRole.WEIGHT);
            assertThat(model.description()).contains("dense(3, softmax), first 1 layer frozen,");
        }
    }

    @Test
    void theLastLayerCannotBeFrozen()
    {
        assertThatThrownBy(() -> Sequential.mlp(4, 8, 3).freeze(2).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot freeze 2 of 2 dense layers");
        assertThatThrownBy(() -> Sequential.mlp(4, 3).freeze(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] values(Model model, String variable)
    {
        try (Result result = model.session().runner().fetch(variable).run()) {
            TFloat32 tensor = (TFloat32) result.get(0);
            float[] values = new float[(int) tensor.size()];
            tensor.asRawTensor().data().asFloats().read(values);
            return values;
        }
    }
}
