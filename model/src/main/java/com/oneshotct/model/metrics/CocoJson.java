package com.oneshotct.model.metrics;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.model.data.DataException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the COCO files of mask evaluation: an instances (ground-truth) file with {@code images}
 * (id, width, height), {@code annotations} (image_id, category_id, RLE segmentation, optional iscrowd and id) and an
 * optional {@code categories} list; and a results list of {image_id, category_id, score, RLE segmentation}.
 * Segmentations must be RLE, {@code {"size":[h,w],"counts":[...] or "compressed string"}}; polygons are refused.
 * Every problem is a {@link DataException} naming the file and the field, e.g. {@code annotations[3].image_id}.
 */
public final class CocoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CocoJson() {}

    /** Reads a COCO instances file. */
    public static CocoGroundTruth readGroundTruth(Path file) {
        JsonNode root = parse(file);
        if (!root.isObject()) {
            throw new DataException(file, "expected a JSON object with images and annotations, got "
                    + root.getNodeType());
        }
        JsonNode imgs = array(file, root, "images", "");
        List<CocoImage> images = new ArrayList<>();
        Map<Long, CocoImage> byId = new HashMap<>();
        for (int i = 0; i < imgs.size(); i++) {
            String at = "images[" + i + "]";
            JsonNode n = object(file, imgs.get(i), at);
            long id = integer(file, n, "id", at);
            CocoImage im = new CocoImage(id, positive(file, n, "width", at), positive(file, n, "height", at));
            if (byId.put(id, im) != null) {
                throw new DataException(file, at + ".id " + id + " appears twice");
            }
            images.add(im);
        }
        Set<Integer> listed = null;
        if (root.has("categories")) {
            JsonNode cats = array(file, root, "categories", "");
            listed = new HashSet<>();
            for (int i = 0; i < cats.size(); i++) {
                String at = "categories[" + i + "]";
                listed.add(intValue(file, object(file, cats.get(i), at), "id", at));
            }
        }
        JsonNode anns = array(file, root, "annotations", "");
        List<CocoAnnotation> annotations = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < anns.size(); i++) {
            String at = "annotations[" + i + "]";
            JsonNode n = object(file, anns.get(i), at);
            CocoImage im = imageOf(file, n, at, byId, "images");
            int cat = intValue(file, n, "category_id", at);
            if (listed != null && !listed.contains(cat)) {
                throw new DataException(file, at + ".category_id " + cat + " is not in categories");
            }
            long id = n.has("id") ? integer(file, n, "id", at) : i + 1L;
            annotations.add(new CocoAnnotation(id, im.id(), cat, mask(file, n, at, im), crowd(file, n, at)));
            used.add(cat);
        }
        return new CocoGroundTruth(images, listed != null ? new ArrayList<>(listed) : used, annotations);
    }

    /** Reads a COCO results list whose images must all be in {@code gt}. */
    public static List<CocoDetection> readResults(Path file, CocoGroundTruth gt) {
        JsonNode root = parse(file);
        if (!root.isArray()) {
            throw new DataException(file, "expected a JSON array of results {image_id, category_id, score, "
                    + "segmentation}, got " + root.getNodeType());
        }
        Map<Long, CocoImage> byId = new HashMap<>();
        for (CocoImage im : gt.images()) {
            byId.put(im.id(), im);
        }
        List<CocoDetection> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            String at = "[" + i + "]";
            JsonNode n = object(file, root.get(i), at);
            CocoImage im = imageOf(file, n, at, byId, "the ground truth's images");
            int cat = intValue(file, n, "category_id", at);
            JsonNode s = n.get("score");
            if (s == null || !s.isNumber() || !Double.isFinite(s.doubleValue())) {
                String why = s == null ? "is missing" : "must be a finite number, got " + s;
                throw new DataException(file, at + ".score " + why);
            }
            out.add(new CocoDetection(im.id(), cat, s.doubleValue(), mask(file, n, at, im)));
        }
        return out;
    }

    /** The RLE as COCO JSON: counts as an integer list or, with {@code compressed}, as the compressed string. */
    public static ObjectNode toJson(Rle rle, boolean compressed) {
        ObjectNode o = MAPPER.createObjectNode();
        o.putArray("size").add(rle.height()).add(rle.width());
        if (compressed) {
            o.put("counts", rle.toCompressedString());
        } else {
            ArrayNode c = o.putArray("counts");
            for (int v : rle.counts()) {
                c.add(v);
            }
        }
        return o;
    }

    /** Writes {@code gt} as a COCO instances file (uncompressed RLE counts). */
    public static void writeGroundTruth(Path file, CocoGroundTruth gt) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode imgs = root.putArray("images");
        for (CocoImage im : gt.images()) {
            imgs.addObject().put("id", im.id()).put("width", im.width()).put("height", im.height());
        }
        ArrayNode anns = root.putArray("annotations");
        for (CocoAnnotation a : gt.annotations()) {
            ObjectNode o = anns.addObject().put("id", a.id()).put("image_id", a.imageId())
                    .put("category_id", a.categoryId()).put("iscrowd", a.crowd() ? 1 : 0)
                    .put("area", a.mask().area());
            o.set("segmentation", toJson(Rle.encode(a.mask()), false));
        }
        ArrayNode cats = root.putArray("categories");
        for (int c : gt.categoryIds()) {
            cats.addObject().put("id", c);
        }
        write(file, root);
    }

    /** Writes a COCO results list (uncompressed RLE counts). */
    public static void writeResults(Path file, List<CocoDetection> detections) {
        ArrayNode root = MAPPER.createArrayNode();
        for (CocoDetection d : detections) {
            ObjectNode o = root.addObject().put("image_id", d.imageId()).put("category_id", d.categoryId())
                    .put("score", d.score());
            o.set("segmentation", toJson(Rle.encode(d.mask()), false));
        }
        write(file, root);
    }

    private static void write(Path file, JsonNode root) {
        try {
            MAPPER.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new DataException(file, "cannot write: " + e, e);
        }
    }

    private static JsonNode parse(Path file) {
        try {
            JsonNode root = MAPPER.readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                throw new DataException(file, "empty file: expected JSON");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new DataException(file, "not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e, e);
        }
    }

    private static CocoImage imageOf(Path file, JsonNode n, String at, Map<Long, CocoImage> byId, String where) {
        long id = integer(file, n, "image_id", at);
        CocoImage im = byId.get(id);
        if (im == null) {
            throw new DataException(file, at + ".image_id " + id + " is not in " + where);
        }
        return im;
    }

    private static BinaryMask mask(Path file, JsonNode n, String at, CocoImage im) {
        String f = at + ".segmentation";
        JsonNode seg = n.get("segmentation");
        if (seg == null || seg.isNull()) {
            throw new DataException(file, f + " is missing");
        }
        if (seg.isArray()) {
            throw new DataException(file, f + ": polygons are not supported; expected RLE {\"size\":[h,w],"
                    + "\"counts\":...}");
        }
        object(file, seg, f);
        JsonNode size = seg.get("size");
        if (size == null || !size.isArray() || size.size() != 2 || !whole(size.get(0)) || !whole(size.get(1))) {
            throw new DataException(file, f + ".size must be [height, width], got " + size);
        }
        long h = size.get(0).longValue();
        long w = size.get(1).longValue();
        if (h != im.height() || w != im.width()) {
            throw new DataException(file, f + ".size [" + h + "," + w + "] disagrees with image " + im.id()
                    + " (height " + im.height() + ", width " + im.width() + ")");
        }
        JsonNode counts = seg.get("counts");
        try {
            if (counts != null && counts.isTextual()) {
                return Rle.fromString(im.height(), im.width(), counts.textValue()).decode();
            }
            if (counts == null || !counts.isArray()) {
                throw new DataException(file, f + ".counts must be a list of run lengths or a compressed RLE "
                        + "string, got " + counts);
            }
            int[] c = new int[counts.size()];
            for (int i = 0; i < c.length; i++) {
                JsonNode v = counts.get(i);
                if (!whole(v) || v.longValue() < 0 || v.longValue() > Integer.MAX_VALUE) {
                    throw new DataException(file, f + ".counts[" + i + "] must be a non-negative integer, got " + v);
                }
                c[i] = (int) v.longValue();
            }
            return new Rle(im.height(), im.width(), c).decode();
        } catch (IllegalArgumentException e) {
            throw new DataException(file, f + ".counts: " + e.getMessage(), e);
        }
    }

    private static boolean crowd(Path file, JsonNode n, String at) {
        JsonNode c = n.get("iscrowd");
        if (c == null || c.isNull()) {
            return false;
        }
        if (c.isBoolean()) {
            return c.booleanValue();
        }
        if (whole(c) && (c.longValue() == 0 || c.longValue() == 1)) {
            return c.longValue() == 1;
        }
        throw new DataException(file, at + ".iscrowd must be 0 or 1, got " + c);
    }

    private static JsonNode array(Path file, JsonNode parent, String field, String at) {
        JsonNode a = parent.get(field);
        String f = at.isEmpty() ? field : at + "." + field;
        if (a == null) {
            throw new DataException(file, "missing field '" + f + "'");
        }
        if (!a.isArray()) {
            throw new DataException(file, f + " must be a list, got " + a.getNodeType());
        }
        return a;
    }

    private static JsonNode object(Path file, JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw new DataException(file, at + " must be an object, got " + (n == null ? "nothing" : n.getNodeType()));
        }
        return n;
    }

    private static long integer(Path file, JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new DataException(file, "missing field '" + at + "." + field + "'");
        }
        if (!whole(v)) {
            throw new DataException(file, at + "." + field + " must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static int intValue(Path file, JsonNode n, String field, String at) {
        long v = integer(file, n, field, at);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new DataException(file, at + "." + field + " " + v + " is out of range");
        }
        return (int) v;
    }

    private static int positive(Path file, JsonNode n, String field, String at) {
        long v = integer(file, n, field, at);
        if (v <= 0 || v > 1 << 16) {
            throw new DataException(file, at + "." + field + " must be a positive pixel count (at most 65536), got "
                    + v);
        }
        return (int) v;
    }

    /** An integer, or a number with an integral value (some writers put 1.0 for 1). */
    private static boolean whole(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return false;
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong();
        }
        double d = v.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15;
    }
}
