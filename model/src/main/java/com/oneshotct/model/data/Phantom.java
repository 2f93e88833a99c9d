package com.oneshotct.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The objects of one synthetic slice and which pixel belongs to which: two lungs and the lesions inside them.
 * The mask value of a pixel is its owner's label, so the segmentation ground truth is each object's own pixel list.
 * <p>
 * Lesions are admitted only when the reader's instance rule (every 8-connected component of a mask value with more
 * than 100 px is one instance) will find exactly the objects drawn: every object stays one 8-connected set of at
 * least {@code minArea} pixels; a lesion lies at least {@link #MARGIN} px inside its lung, so the lung keeps a
 * closed rim and stays one piece; lesions of one value keep at least {@link #GAP} px of other pixels between
 * them; the lungs are kept apart by the mediastinum ({@link Anatomy#lungPixels}). A candidate that breaks any of
 * these is undone and the caller may try another.
 */
final class Phantom {
    static final int NONE = -1;
    /** Lung pixels kept between a lesion and the lung border (Chebyshev distance). */
    static final int MARGIN = 3;
    /** Pixels kept between two lesions of the same value (so 8-connectivity cannot join them). */
    static final int GAP = 2;

    /** One drawn object. {@code lung} is the index of the lung it lies in (a lung's own index for a lung). */
    static final class Part {
        final int label;
        final int lung;
        /** GGO: density added (HU); consolidation: its density (HU); lungs: unused. */
        final double intensity;
        /** Consolidation only: whether air bronchograms run through it. */
        final boolean bronchogram;
        int[] pixels;

        Part(int label, int lung, double intensity, boolean bronchogram, int[] pixels) {
            this.label = label;
            this.lung = lung;
            this.intensity = intensity;
            this.bronchogram = bronchogram;
            this.pixels = pixels;
        }
    }

    final Anatomy anatomy;
    final int size;
    final int minArea;
    final int[] owner;
    final List<Part> parts = new ArrayList<>();
    /** Per lung: the pixels at least MARGIN px inside it, where lesions may lie. */
    private final boolean[][] interior = new boolean[2][];
    private final int[] mark;
    private int stamp;

    private Phantom(Anatomy anatomy, int minArea) {
        this.anatomy = anatomy;
        this.size = anatomy.size;
        this.minArea = minArea;
        this.owner = new int[size * size];
        this.mark = new int[size * size];
        Arrays.fill(owner, NONE);
    }

    /** Samples anatomy until both lungs are valid objects, then lets {@link LesionPlanner} add the class's lesions. */
    static Phantom build(Rng rng, int size, ImageClass kind, int minArea) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Phantom ph = new Phantom(Anatomy.sample(rng, size), minArea);
            if (ph.placeLungs()) {
                LesionPlanner.plan(ph, rng, kind);
                return ph;
            }
        }
        throw new IllegalStateException("could not draw two valid lungs on a " + size + " px slice");
    }

    private boolean placeLungs() {
        for (int i = 0; i < anatomy.lungs.size(); i++) {
            int[] px = anatomy.lungPixels(anatomy.lungs.get(i));
            for (int p : px) {
                owner[p] = i;
            }
            parts.add(new Part(MaskLabel.LUNG.value, i, 0, false, px));
            if (px.length < minArea || !connected(i)) {
                return false;
            }
            interior[i] = Grid.erode(Grid.mask(size, px), size, MARGIN);
        }
        return true;
    }

    Anatomy.Lung lung(int index) {
        return anatomy.lungs.get(index);
    }

    boolean interior(int lung, int pixel) {
        return interior[lung][pixel];
    }

    /** How many of the shape's pixels lie in the lung's interior: the most a lesion of that shape can cover. */
    int fit(int lung, Shape shape) {
        int count = 0;
        for (int p : shape.raster(size)) {
            count += interior[lung][p] ? 1 : 0;
        }
        return count;
    }

    /**
     * Tries to add a lesion: the shape's pixels inside the lung's interior (a GGO yields to consolidation already
     * there; a consolidation takes over GGO pixels). Returns whether it was admitted; if not, nothing changed.
     */
    boolean add(int label, int lung, Shape shape, double intensity, boolean bronchogram) {
        if (label != MaskLabel.GGO.value && label != MaskLabel.CONSOLIDATION.value) {
            throw new IllegalArgumentException("lesion label must be GGO or consolidation: " + label);
        }
        boolean[] inside = interior[lung];
        int[] px = Grid.filter(shape.raster(size), p -> inside[p]
                && !(label == MaskLabel.GGO.value && owner[p] >= 0
                        && parts.get(owner[p]).label == MaskLabel.CONSOLIDATION.value));
        if (px.length < minArea || touchesSameLabel(px, label)) {
            return false;
        }
        int id = parts.size();
        int[] previous = new int[px.length];
        List<Integer> affected = new ArrayList<>();
        for (int i = 0; i < px.length; i++) {
            previous[i] = owner[px[i]];
            if (previous[i] != NONE && !affected.contains(previous[i])) {
                affected.add(previous[i]);
            }
            owner[px[i]] = id;
        }
        parts.add(new Part(label, lung, intensity, bronchogram, px));
        int[][] before = new int[affected.size()][];
        boolean ok = connected(id);
        for (int k = 0; k < affected.size(); k++) {
            Part other = parts.get(affected.get(k));
            before[k] = other.pixels;
            int otherId = affected.get(k);
            other.pixels = Grid.filter(other.pixels, p -> owner[p] == otherId);
            ok = ok && other.pixels.length >= minArea && connected(otherId);
        }
        if (!ok) {
            for (int i = 0; i < px.length; i++) {
                owner[px[i]] = previous[i];
            }
            for (int k = 0; k < affected.size(); k++) {
                parts.get(affected.get(k)).pixels = before[k];
            }
            parts.remove(id);
        }
        return ok;
    }

    /** Whether any candidate pixel has a lesion of the same label within GAP pixels (diagonals included). */
    private boolean touchesSameLabel(int[] px, int label) {
        for (int p : px) {
            int px0 = p % size;
            int py0 = p / size;
            for (int y = Math.max(0, py0 - GAP); y <= Math.min(size - 1, py0 + GAP); y++) {
                for (int x = Math.max(0, px0 - GAP); x <= Math.min(size - 1, px0 + GAP); x++) {
                    int o = owner[y * size + x];
                    if (o >= 0 && parts.get(o).label == label) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean connected(int id) {
        stamp++;
        return Grid.connected8(parts.get(id).pixels, id, owner, size, mark, stamp);
    }

    /** The lesion parts (everything but the two lungs). */
    List<Part> lesions() {
        return parts.subList(anatomy.lungs.size(), parts.size());
    }

    /** The mask: each pixel's owner's label, 0 where no object is. */
    byte[] mask() {
        byte[] m = new byte[size * size];
        for (int p = 0; p < m.length; p++) {
            if (owner[p] >= 0) {
                m[p] = (byte) parts.get(owner[p]).label;
            }
        }
        return m;
    }

    /** The instances drawn, from each object's own pixels, ordered by label, then box, then area. */
    List<Instance> instances() {
        List<Instance> out = new ArrayList<>();
        for (Part part : parts) {
            out.add(Grid.instance(part.label, part.pixels, size));
        }
        out.sort(SynthResult.INSTANCE_ORDER);
        return List.copyOf(out);
    }
}
