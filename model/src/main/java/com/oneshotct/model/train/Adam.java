package com.oneshotct.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with coupled L2 weight decay (PyTorch's {@code torch.optim.Adam(weight_decay=...)}), updating parameters in
 * place. Its moments live in arrays owned by this optimiser so that a checkpoint can store them.
 *
 * <p>As in PyTorch, every parameter has its own step count (its bias correction): {@link #update(List)} updates
 * only the parameters given, the way {@code torch.optim.Adam} skips parameters whose gradient is None, so one
 * optimiser can serve two steps that train different (overlapping) parameter sets.
 */
public final class Adam {
    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final List<NDArray> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final Map<NDArray, Integer> index = new IdentityHashMap<>();
    private final long[] steps;
    private final double[] scales;
    private long step;

    public Adam(List<NDArray> params, NDManager manager, double lr, double beta1, double beta2, double eps,
            double weightDecay) {
        if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || weightDecay < 0) {
            throw new IllegalArgumentException("adam: need lr > 0, betas in [0, 1), eps > 0, weight decay >= 0; got lr "
                    + lr + ", betas " + beta1 + "/" + beta2 + ", eps " + eps + ", weight decay " + weightDecay);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.params = List.copyOf(params);
        this.steps = new long[params.size()];
        this.scales = new double[params.size()];
        java.util.Arrays.fill(scales, 1);
        for (NDArray p : params) {
            if (index.put(p, index.size()) != null) {
                throw new IllegalArgumentException("adam: a parameter is listed twice (shape " + p.getShape() + ")");
            }
            m.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            v.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    /** The paper's optimiser: lr 1e-5, betas 0.9/0.999, eps 1e-8, weight decay 1e-3. */
    public static Adam paper(List<NDArray> params, NDManager manager) {
        return new Adam(params, manager, 1e-5, 0.9, 0.999, 1e-8, 1e-3);
    }

    public double learningRate() {
        return lr;
    }

    /** Changes the learning rate from the next update on (for a schedule; the paper keeps it constant). */
    public void setLearningRate(double lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("adam: lr must be > 0, got " + lr);
        }
        this.lr = lr;
    }

    /** How many updates ran (of any subset). */
    public long step() {
        return step;
    }

    /** The parameters in optimiser order; {@link #m}, {@link #v} and {@link #steps} follow it. */
    public List<NDArray> parameters() {
        return params;
    }

    /** First moment of parameter {@code i}: the live array, updated in place. */
    public NDArray m(int i) {
        return m.get(i);
    }

    /** Second moment of parameter {@code i}: the live array, updated in place. */
    public NDArray v(int i) {
        return v.get(i);
    }

    /** Per-parameter step counts (a copy). */
    public long[] steps() {
        return steps.clone();
    }

    /**
     * Restores a saved state: moments are copied into this optimiser's arrays (shapes must match), step counts and
     * the update count replaced.
     */
    public void restore(List<NDArray> firstMoments, List<NDArray> secondMoments, long[] stepCounts, long updates) {
        if (firstMoments.size() != params.size() || secondMoments.size() != params.size()
                || stepCounts.length != params.size()) {
            throw new IllegalArgumentException("adam state for " + firstMoments.size() + "/" + secondMoments.size()
                    + "/" + stepCounts.length + " parameters, the optimiser has " + params.size());
        }
        for (int i = 0; i < params.size(); i++) {
            if (!firstMoments.get(i).getShape().equals(m.get(i).getShape())
                    || !secondMoments.get(i).getShape().equals(v.get(i).getShape())) {
                throw new IllegalArgumentException("adam state of parameter " + i + " has shape "
                        + firstMoments.get(i).getShape() + "/" + secondMoments.get(i).getShape() + ", expected "
                        + m.get(i).getShape());
            }
        }
        for (int i = 0; i < params.size(); i++) {
            firstMoments.get(i).copyTo(m.get(i));
            secondMoments.get(i).copyTo(v.get(i));
        }
        System.arraycopy(stepCounts, 0, steps, 0, steps.length);
        step = updates;
    }

    /**
     * Zeroes the parameters' gradients before a backward pass. DJL's {@code GradientCollector.zeroGradients()} walks
     * every array of the process and leaks two handles per parameter; this touches only ours, in place.
     */
    public void zeroGradients() {
        for (NDArray p : params) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** Zeroes the gradients of {@code subset} only (each must be one of this optimiser's parameters). */
    public void zeroGradients(List<NDArray> subset) {
        for (NDArray p : subset) {
            JniUtils.zeroGrad((PtNDArray) params.get(indexOf(p)));
        }
    }

    /**
     * From the next update on, {@code subset} (each one of this optimiser's parameters) moves at the learning rate
     * times {@code scale} (PyTorch's parameter groups with their own {@code lr}); the others keep theirs.
     */
    public void setRateScale(List<NDArray> subset, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("adam: a rate scale must be above 0, got " + scale);
        }
        for (NDArray p : subset) {
            scales[indexOf(p)] = scale;
        }
    }

    /** The rate scale of parameter {@code i} (in {@link #parameters()} order); 1 unless set. */
    public double rateScale(int i) {
        return scales[i];
    }

    /** One update of every parameter from the gradients the last backward pass left; outside a collector. */
    public void update() {
        update(params);
    }

    /**
     * Updates {@code subset} unless one of its gradients holds a NaN or an infinity; then nothing changes and the
     * answer is false. One bad step must not poison every weight and moment (PyTorch's GradScaler skips such steps
     * the same way).
     */
    public boolean updateIfFinite(List<NDArray> subset) {
        for (NDArray p : subset) {
            try (NDArray grad = p.getGradient(); NDArray sum = grad.sum()) {
                if (!Float.isFinite(sum.getFloat())) {
                    return false;
                }
            }
        }
        update(subset);
        return true;
    }

    /**
     * One update of {@code subset} (each one of this optimiser's parameters, by identity); the others, their
     * moments and step counts are left alone.
     */
    public void update(List<NDArray> subset) {
        int[] which = new int[subset.size()];
        for (int k = 0; k < which.length; k++) {
            which[k] = indexOf(subset.get(k));
        }
        step++;
        for (int i : which) {
            long n = ++steps[i];
            float c1 = (float) (lr * scales[i] / (1 - Math.pow(beta1, n)));
            float c2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, n)));
            NDArray p = params.get(i);
            // getGradient() hands out a new handle each call: close it, or every step leaks one per parameter
            NDArray grad = p.getGradient();
            NDArray decay = weightDecay != 0 ? p.mul((float) weightDecay) : null;
            NDArray g = decay != null ? grad.add(decay) : grad;
            NDArray g1 = g.mul((float) (1 - beta1));
            m.get(i).muli((float) beta1).addi(g1);
            NDArray g2 = g.square().muli((float) (1 - beta2));
            v.get(i).muli((float) beta2).addi(g2);
            // p -= lr_t * m / (sqrt(v) / sqrt(1 - b2^t) + eps), as torch.optim.Adam computes it
            NDArray denom = v.get(i).sqrt().muli(c2).addi((float) eps);
            NDArray delta = m.get(i).div(denom).muli(c1);
            p.subi(delta);
            for (NDArray t : new NDArray[] {grad, decay, decay != null ? g : null, g1, g2, denom, delta}) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    private int indexOf(NDArray p) {
        Integer i = index.get(p);
        if (i == null) {
            throw new IllegalArgumentException("adam: not one of its parameters (shape " + p.getShape() + ")");
        }
        return i;
    }
}
