package com.oneshotct.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;

/**
 * torchvision's {@code BoxCoder}: boxes (x1, y1, x2, y2) to regression deltas (dx, dy, dw, dh) relative to
 * reference boxes, and back. Width = x2 - x1 (no +1), centre = x1 + 0.5 * width; dx = wx * (cx - cx_ref) / w_ref,
 * dw = ww * log(w / w_ref); decoding divides by the weights and clamps dw, dh from above at
 * log(1000 / 16) so exp() cannot overflow. Everything is NDArray arithmetic in the deltas' dtype, so gradients
 * flow through decode when a caller wants them (the RPN detaches its deltas first, as torchvision does).
 */
public final class BoxCoder {
    /** torchvision's default clamp, log(1000 / 16). */
    public static final double DEFAULT_CLIP = Math.log(1000.0 / 16);

    private final float wx;
    private final float wy;
    private final float ww;
    private final float wh;
    private final float clip;

    public BoxCoder(float wx, float wy, float ww, float wh) {
        this(wx, wy, ww, wh, DEFAULT_CLIP);
    }

    public BoxCoder(float wx, float wy, float ww, float wh, double clip) {
        if (!(wx > 0 && wy > 0 && ww > 0 && wh > 0)) {
            throw new IllegalArgumentException(
                    String.format("box coder weights must be positive, got (%s, %s, %s, %s)", wx, wy, ww, wh));
        }
        this.wx = wx;
        this.wy = wy;
        this.ww = ww;
        this.wh = wh;
        this.clip = (float) clip;
    }

    /** The RPN's coder, weights (1, 1, 1, 1). */
    public static BoxCoder rpn() {
        return new BoxCoder(1, 1, 1, 1);
    }

    /** The RoI box head's coder, weights (10, 10, 5, 5). */
    public static BoxCoder roi() {
        return new BoxCoder(10, 10, 5, 5);
    }

    /**
     * The deltas (N x 4) that take each of {@code proposals} (N x 4) to the matching row of {@code reference}
     * (N x 4, the ground-truth boxes), torchvision's {@code encode(reference_boxes, proposals)}.
     */
    public NDArray encode(NDArray reference, NDArray proposals) {
        requireBoxes(reference, "reference boxes");
        requireBoxes(proposals, "proposals");
        if (reference.getShape().get(0) != proposals.getShape().get(0)) {
            throw new IllegalArgumentException("encode: " + reference.getShape().get(0) + " reference boxes for "
                    + proposals.getShape().get(0) + " proposals");
        }
        NDList p = proposals.split(4, 1);
        NDList g = reference.split(4, 1);
        NDArray exW = p.get(2).sub(p.get(0));
        NDArray exH = p.get(3).sub(p.get(1));
        NDArray exCx = p.get(0).add(exW.mul(0.5f));
        NDArray exCy = p.get(1).add(exH.mul(0.5f));
        NDArray gtW = g.get(2).sub(g.get(0));
        NDArray gtH = g.get(3).sub(g.get(1));
        NDArray gtCx = g.get(0).add(gtW.mul(0.5f));
        NDArray gtCy = g.get(1).add(gtH.mul(0.5f));
        NDArray dx = gtCx.sub(exCx).mul(wx).div(exW);
        NDArray dy = gtCy.sub(exCy).mul(wy).div(exH);
        NDArray dw = gtW.div(exW).log().mul(ww);
        NDArray dh = gtH.div(exH).log().mul(wh);
        return NDArrays.concat(new NDList(dx, dy, dw, dh), 1);
    }

    /** Boxes (N x 4) from deltas (N x 4) applied to {@code boxes} (N x 4). */
    public NDArray decode(NDArray deltas, NDArray boxes) {
        requireBoxes(deltas, "deltas");
        return decodePerClass(deltas, boxes).reshape(deltas.getShape());
    }

    /**
     * Per-class boxes (N x K x 4) from per-class deltas (N x 4K), each class's deltas applied to the same row of
     * {@code boxes} (N x 4): torchvision's decode for a box predictor's output.
     */
    public NDArray decodePerClass(NDArray deltas, NDArray boxes) {
        requireBoxes(boxes, "reference boxes");
        Shape ds = deltas.getShape();
        if (ds.dimension() != 2 || ds.get(1) % 4 != 0 || ds.get(1) == 0) {
            throw new IllegalArgumentException("deltas must be N x 4K, got " + ds);
        }
        long n = ds.get(0);
        long k = ds.get(1) / 4;
        if (boxes.getShape().get(0) != n) {
            throw new IllegalArgumentException("decode: " + n + " rows of deltas for " + boxes.getShape().get(0)
                    + " boxes");
        }
        NDList b = boxes.toType(deltas.getDataType(), false).reshape(n, 1, 4).split(4, 2);
        NDArray widths = b.get(2).sub(b.get(0));
        NDArray heights = b.get(3).sub(b.get(1));
        NDArray cx = b.get(0).add(widths.mul(0.5f));
        NDArray cy = b.get(1).add(heights.mul(0.5f));
        NDList d = deltas.reshape(n, k, 4).split(4, 2);
        NDArray dx = d.get(0).div(wx);
        NDArray dy = d.get(1).div(wy);
        NDArray dw = d.get(2).div(ww).minimum(clip);
        NDArray dh = d.get(3).div(wh).minimum(clip);
        NDArray pcx = dx.mul(widths).add(cx);
        NDArray pcy = dy.mul(heights).add(cy);
        NDArray halfW = dw.exp().mul(widths).mul(0.5f);
        NDArray halfH = dh.exp().mul(heights).mul(0.5f);
        return NDArrays.concat(new NDList(pcx.sub(halfW), pcy.sub(halfH), pcx.add(halfW), pcy.add(halfH)), 2);
    }

    private static void requireBoxes(NDArray a, String what) {
        Shape s = a.getShape();
        if (s.dimension() != 2 || s.get(1) != 4) {
            throw new IllegalArgumentException(what + " must be N x 4, got " + s);
        }
    }
}
