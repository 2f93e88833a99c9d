package com.oneshotct.model.data;

/** Separable Gaussian blur of a square float image, edges clamped. */
final class Blur {
    private Blur() {
    }

    static float[] gaussian(float[] img, int n, double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = StrictMath.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] tmp = new float[img.length];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double acc = 0;
                for (int i = -r; i <= r; i++) {
                    int xx = Math.max(0, Math.min(n - 1, x + i));
                    acc += k[i + r] * img[y * n + xx];
                }
                tmp[y * n + x] = (float) acc;
            }
        }
        float[] out = new float[img.length];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double acc = 0;
                for (int i = -r; i <= r; i++) {
                    int yy = Math.max(0, Math.min(n - 1, y + i));
                    acc += k[i + r] * tmp[yy * n + x];
                }
                out[y * n + x] = (float) acc;
            }
        }
        return out;
    }
}
