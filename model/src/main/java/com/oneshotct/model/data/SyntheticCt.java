package com.oneshotct.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Deterministic synthetic chest-CT dataset in the CNCB-NCOV layouts (model-spec section 8):
 * <pre>
 * DIR/segmentation/{train,val,test}/imgs/p0001_0020.png      8-bit grey slice
 * DIR/segmentation/{train,val,test}/masks/p0001_0020.png     8-bit grey mask: 0 background, 1 lung, 2 GGO, 3 consol.
 * DIR/segmentation/{train,val,test}_split_segmentation.txt   stems, sorted, one a line
 * DIR/classification/{train,val,test}/2_0003_1_0030.png      &lt;class&gt;_&lt;patient&gt;_&lt;scan&gt;_&lt;slice&gt;.png
 * DIR/classification/{train,val,test}_split_classification.txt  file names, sorted, one a line
 * DIR/manifest.json                                       every other file with size and SHA-256
 * </pre>
 * Each slice is drawn from its own random stream, seeded from (seed, kind, split, index) only, so an item's
 * content does not depend on how many items come before it or on the other counts; it does depend on the size.
 * Same options give byte-identical files on any platform (pure integer and strict floating-point arithmetic, own
 * PNG encoder). Segmentation slices cycle through the appearances by index (of every 10: one Normal, two CP, seven
 * COVID); classification slices cycle through the classes Normal, CP, COVID. Train, validation and test patients are
 * disjoint (numbered from 1, 2501 and 5001). A split with 0 slices is not written: the validation split is optional.
 */
public final class SyntheticCt {
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /** The reader's rule counts components of more than this many pixels as instances. */
    public static final int INSTANCE_MIN_AREA = 101;
    private static final int SLICES_PER_PATIENT = 4;
    private static final int TEST_PATIENT_BASE = 5001;
    private static final int VAL_PATIENT_BASE = 2501;

    /**
     * Generator options.
     *
     * @param seed any value; different seeds give different datasets
     * @param size slice width and height in pixels, {@value #MIN_SIZE}..{@value #MAX_SIZE}
     * @param segTrain segmentation training slices, 1..{@value #MAX_COUNT}
     * @param segTest segmentation test slices
     * @param clsTrain classification training slices (classes round-robin)
     * @param clsTest classification test slices
     * @param segVal segmentation validation slices, 0..{@value #MAX_VAL_COUNT} (0: no validation split)
     * @param clsVal classification validation slices, 0..{@value #MAX_VAL_COUNT}
     */
    public record Options(long seed, int size, int segTrain, int segTest, int clsTrain, int clsTest, int segVal,
            int clsVal) {
        public static final long DEFAULT_SEED = 1;
        public static final int DEFAULT_SIZE = 256;
        public static final int DEFAULT_SEG_TRAIN = 24;
        public static final int DEFAULT_SEG_TEST = 8;
        public static final int DEFAULT_CLS_TRAIN = 30;
        public static final int DEFAULT_CLS_TEST = 12;
        public static final int DEFAULT_SEG_VAL = 8;
        public static final int DEFAULT_CLS_VAL = 12;
        /** Keeps validation patients below the test patients' numbers. */
        public static final int MAX_VAL_COUNT = 2400;
        public static final int MIN_SIZE = 64;
        public static final int MAX_SIZE = 1024;
        /** Keeps patient numbers of the two splits apart and four digits long. */
        public static final int MAX_COUNT = 5000;

        public Options {
            if (size < MIN_SIZE || size > MAX_SIZE) {
                throw new IllegalArgumentException(
                        "size (--size) must be " + MIN_SIZE + ".." + MAX_SIZE + " px, got " + size);
            }
            count("segTrain (--seg-train)", segTrain);
            count("segTest (--seg-test)", segTest);
            count("clsTrain (--cls-train)", clsTrain);
            count("clsTest (--cls-test)", clsTest);
            if (segVal < 0 || segVal > MAX_VAL_COUNT) {
                throw new IllegalArgumentException("segVal (--seg-val) must be 0.." + MAX_VAL_COUNT + ", got " + segVal);
            }
            if (clsVal < 0 || clsVal > MAX_VAL_COUNT) {
                throw new IllegalArgumentException("clsVal (--cls-val) must be 0.." + MAX_VAL_COUNT + ", got " + clsVal);
            }
        }

        /** Without a validation split. */
        public Options(long seed, int size, int segTrain, int segTest, int clsTrain, int clsTest) {
            this(seed, size, segTrain, segTest, clsTrain, clsTest, 0, 0);
        }

        private static void count(String field, int n) {
            if (n < 1 || n > MAX_COUNT) {
                throw new IllegalArgumentException(field + " must be 1.." + MAX_COUNT + ", got " + n);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_SEED, DEFAULT_SIZE, DEFAULT_SEG_TRAIN, DEFAULT_SEG_TEST, DEFAULT_CLS_TRAIN,
                    DEFAULT_CLS_TEST, DEFAULT_SEG_VAL, DEFAULT_CLS_VAL);
        }

        public Options withSeed(long newSeed) {
            return new Options(newSeed, size, segTrain, segTest, clsTrain, clsTest, segVal, clsVal);
        }

        public Options withSize(int newSize) {
            return new Options(seed, newSize, segTrain, segTest, clsTrain, clsTest, segVal, clsVal);
        }

        /** These training and test counts, and no validation split. */
        public Options withCounts(int newSegTrain, int newSegTest, int newClsTrain, int newClsTest) {
            return new Options(seed, size, newSegTrain, newSegTest, newClsTrain, newClsTest);
        }

        /** These validation counts (0, 0: none). */
        public Options withValidation(int newSegVal, int newClsVal) {
            return new Options(seed, size, segTrain, segTest, clsTrain, clsTest, newSegVal, newClsVal);
        }

        int segCount(String split) {
            return switch (split) {
                case "train" -> segTrain;
                case "val" -> segVal;
                default -> segTest;
            };
        }

        int clsCount(String split) {
            return switch (split) {
                case "train" -> clsTrain;
                case "val" -> clsVal;
                default -> clsTest;
            };
        }
    }

    /** One generated slice; {@code image} is null when only the geometry was asked for. */
    record Slice(byte[] image, Phantom phantom) {
    }

    private final Options options;

    public SyntheticCt(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** The dataset's name in its manifest. */
    public String datasetName() {
        return "synthetic-ct seed=" + options.seed() + " size=" + options.size();
    }

    /** What {@link #write} generates, re-derived without rendering images or writing anything. */
    public SynthResult plan() {
        List<SynthResult.SegItem> seg = new ArrayList<>();
        for (String split : SPLITS) {
            for (int i = 0; i < options.segCount(split); i++) {
                Slice s = segmentation(split, i, false);
                seg.add(new SynthResult.SegItem(split, segName(split, i), segAppearance(i), s.phantom().instances()));
            }
        }
        return new SynthResult(seg, classificationItems());
    }

    /**
     * Writes the dataset into {@code dir}, which must be missing or empty. {@code progress} receives lines like
     * "segmentation train 12/24".
     */
    public SynthResult write(Path dir, Consumer<String> progress) {
        prepare(dir);
        int n = options.size();
        List<SynthResult.SegItem> seg = new ArrayList<>();
        for (String split : SPLITS) {
            if (options.segCount(split) == 0) {
                continue;
            }
            Path imgs = mkdirs(dir.resolve("segmentation").resolve(split).resolve("imgs"));
            Path masks = mkdirs(dir.resolve("segmentation").resolve(split).resolve("masks"));
            List<String> names = new ArrayList<>();
            int count = options.segCount(split);
            for (int i = 0; i < count; i++) {
                String name = segName(split, i);
                Slice s = segmentation(split, i, true);
                png(imgs.resolve(name + ".png"), s.image(), n);
                png(masks.resolve(name + ".png"), s.phantom().mask(), n);
                seg.add(new SynthResult.SegItem(split, name, segAppearance(i), s.phantom().instances()));
                names.add(name);
                progress.accept("segmentation " + split + " " + (i + 1) + "/" + count);
            }
            list(dir.resolve("segmentation").resolve(split + "_split_segmentation.txt"), names);
        }
        List<SynthResult.ClsItem> cls = classificationItems();
        for (String split : SPLITS) {
            if (options.clsCount(split) == 0) {
                continue;
            }
            Path folder = mkdirs(dir.resolve("classification").resolve(split));
            List<String> names = new ArrayList<>();
            int count = options.clsCount(split);
            for (int i = 0; i < count; i++) {
                String name = clsName(split, i);
                png(folder.resolve(name), classification(split, i, true).image(), n);
                names.add(name);
                progress.accept("classification " + split + " " + (i + 1) + "/" + count);
            }
            list(dir.resolve("classification").resolve(split + "_split_classification.txt"), names);
        }
        Manifest.write(dir, datasetName());
        return new SynthResult(seg, cls);
    }

    Slice segmentation(String split, int index, boolean render) {
        return slice(stream(split, 0, 1, 4), index, segAppearance(index), INSTANCE_MIN_AREA, render);
    }

    Slice classification(String split, int index, boolean render) {
        // no mask is written, so only the size-scaled minimum applies: lesions keep the same proportions at 64 px
        return slice(stream(split, 2, 3, 5), index, clsClass(index), 12, render);
    }

    /** Each split's own random streams; validation came later and took new numbers, so train and test are unchanged. */
    private static int stream(String split, int train, int test, int val) {
        return switch (split) {
            case "train" -> train;
            case "val" -> val;
            default -> test;
        };
    }

    private static int patientBase(String split) {
        return switch (split) {
            case "train" -> 1;
            case "val" -> VAL_PATIENT_BASE;
            default -> TEST_PATIENT_BASE;
        };
    }

    private Slice slice(int stream, int index, ImageClass kind, int floor, boolean render) {
        int n = options.size();
        double scaled = INSTANCE_MIN_AREA * (n / 256.0) * (n / 256.0);
        int minArea = Math.max(floor, (int) Math.round(scaled));
        Rng rng = new Rng(Rng.itemSeed(options.seed(), stream, index));
        Phantom ph = Phantom.build(rng, n, kind, minArea);
        return new Slice(render ? SliceDrawer.draw(ph, rng) : null, ph);
    }

    private List<SynthResult.ClsItem> classificationItems() {
        List<SynthResult.ClsItem> out = new ArrayList<>();
        for (String split : SPLITS) {
            for (int i = 0; i < options.clsCount(split); i++) {
                out.add(new SynthResult.ClsItem(split, clsName(split, i), clsClass(i)));
            }
        }
        return out;
    }

    static ImageClass segAppearance(int index) {
        return switch (index % 10) {
            case 0 -> ImageClass.NORMAL;
            case 3, 7 -> ImageClass.CP;
            default -> ImageClass.COVID;
        };
    }

    static ImageClass clsClass(int index) {
        return ImageClass.of(index % 3);
    }

    /** {@code p<patient>_<slice>}: four slices per patient, validation patients from 2501, test ones from 5001. */
    static String segName(String split, int index) {
        int patient = patientBase(split) + index / SLICES_PER_PATIENT;
        int slice = 20 + 15 * (index % SLICES_PER_PATIENT);
        return String.format("p%04d_%04d", patient, slice);
    }

    /**
     * {@code <class>_<patient>_<scan>_<slice>.png}: each patient has one class and four slices over two scans;
     * validation patients from 2501, test ones from 5001.
     */
    static String clsName(String split, int index) {
        int cls = clsClass(index).index;
        int j = index / 3;
        int patient = patientBase(split) + 3 * (j / SLICES_PER_PATIENT) + cls;
        int scan = 1 + (j % SLICES_PER_PATIENT) / 2;
        int slice = 30 + 11 * (j % SLICES_PER_PATIENT);
        return String.format("%d_%04d_%d_%04d.png", cls, patient, scan, slice);
    }

    private static void prepare(Path dir) {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new DataException(dir, "exists and is not a folder");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new DataException(dir,
                            "is not empty; the generator writes only into a new or empty folder");
                }
            } catch (IOException e) {
                throw new DataException(dir, "cannot list: " + e.getMessage(), e);
            }
        }
        mkdirs(dir);
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(dir, "cannot create the folder: " + e.getMessage(), e);
        }
    }

    private static void png(Path file, byte[] pixels, int n) {
        try {
            GreyPng.write(file, pixels, n, n);
        } catch (IOException e) {
            throw new DataException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    private static void list(Path file, List<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        StringBuilder sb = new StringBuilder();
        for (String name : sorted) {
            sb.append(name).append('\n');
        }
        try {
            Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataException(file, "cannot write: " + e.getMessage(), e);
        }
    }
}
