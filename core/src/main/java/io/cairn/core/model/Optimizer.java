package io.cairn.core.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the update ops of one training step. Every variable update depends on every gradient, so no
 * update can change a variable that a gradient still reads: runs are bit-identical run after run.
 * (tensorflow-framework's Adam races its beta-power updates against the apply ops: identical runs
 * ended in different states.)
 */
public sealed interface Optimizer
{
    static Optimizer adam(double learningRate)
    {
        return new Adam(learningRate, 0.9, 0.999, 1e-7);
    }

    static Optimizer sgd(double learningRate)
    {
        return new Sgd(learningRate);
    }

    /**
     * A short name, e.g. "adam".
     */
    String name();

    Op minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> weights, SlotFactory slots);

    /**
     * Creates optimizer-state variables with an initial value.
     */
    interface SlotFactory
    {
        Variable<TFloat32> create(String name, long[] shape, float initialValue);
    }

    private static List<Op> gradientOps(List<Operand<TFloat32>> gradients)
    {
        return new ArrayList<>(gradients);
    }

    @SuppressWarnings("unchecked")
    private static List<Operand<TFloat32>> gradients(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> weights)
    {
        List<Operand<TFloat32>> gradients = new ArrayList<>();
        tf.gradients(loss, weights).dy().forEach(output -> gradients.add((Operand<TFloat32>) output));
        return gradients;
    }

    record Adam(double learningRate, double beta1, double beta2, double epsilon)
            implements Optimizer
    {
        @Override
        public String name()
        {
            return "adam";
        }

        @Override
        public Op minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> weights, SlotFactory slots)
        {
            List<Operand<TFloat32>> gradients = gradients(tf, loss, weights);
            Variable<TFloat32> beta1Power = slots.create("adam_beta1_power", new long[0], (float) beta1);
            Variable<TFloat32> beta2Power = slots.create("adam_beta2_power", new long[0], (float) beta2);
            Operand<TFloat32> lr = tf.constant((float) learningRate);
            Operand<TFloat32> b1 = tf.constant((float) beta1);
            Operand<TFloat32> b2 = tf.constant((float) beta2);
            Operand<TFloat32> eps = tf.constant((float) epsilon);
            Ops afterGradients = tf.withControlDependencies(gradientOps(gradients));
            List<Op> applies = new ArrayList<>();
            for (int i = 0; i < weights.size(); i++) {
                Variable<TFloat32> weight = weights.get(i);
                String name = weight.op().name();
                long[] shape = weight.shape().asArray();
                Variable<TFloat32> m = slots.create(name + "_m", shape, 0f);
                Variable<TFloat32> v = slots.create(name + "_v", shape, 0f);
                applies.add(afterGradients.train.applyAdam(weight, m, v, beta1Power, beta2Power, lr, b1, b2, eps, gradients.get(i)));
            }
            // the beta powers advance only after every apply op has read them
            Ops afterApplies = tf.withControlDependencies(applies);
            Op updateBeta1 = afterApplies.assign(beta1Power, tf.math.mul(beta1Power, b1));
            Op updateBeta2 = afterApplies.assign(beta2Power, tf.math.mul(beta2Power, b2));
            return tf.withControlDependencies(List.of(updateBeta1, updateBeta2)).withName("train").noOp();
        }
    }

    record Sgd(double learningRate)
            implements Optimizer
    {
        @Override
        public String name()
        {
            return "sgd";
        }

        @Override
        public Op minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> weights, SlotFactory slots)
        {
            List<Operand<TFloat32>> gradients = gradients(tf, loss, weights);
            Operand<TFloat32> lr = tf.constant((float) learningRate);
            Ops afterGradients = tf.withControlDependencies(gradientOps(gradients));
            List<Op> applies = new ArrayList<>();
            for (int i = 0; i < weights.size(); i++) {
                applies.add(afterGradients.train.applyGradientDescent(weights.get(i), lr, gradients.get(i)));
            }
            return tf.withControlDependencies(applies).withName("train").noOp();
        }
    }
}
