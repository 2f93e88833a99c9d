package com.oneshotct.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.oneshotct.model.data.DataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by PyTorch 1.13 ({@code torch.save}, zip and legacy) and by hand in the safetensors layout, read in
 * Java and compared element by element with numpy's copy of the same tensors.
 */
class WeightFileTest {
    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Every element equal: float types as float32 bits (float16 / bfloat16 widened exactly), others as they are. */
    private static void assertSame(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        DataType want = expected.getDataType();
        switch (want) {
            case FLOAT16, FLOAT32 -> {
                assertEquals(DataType.FLOAT32, actual.getDataType(), what + ": type");
                assertArrayEquals(expected.toType(DataType.FLOAT32, false).toFloatArray(), actual.toFloatArray(),
                        what);
            }
            case FLOAT64 -> assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), what);
            case INT64 -> assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
            case INT32 -> assertArrayEquals(expected.toIntArray(), actual.toIntArray(), what);
            case UINT8 -> assertArrayEquals(expected.toUint8Array(), actual.toUint8Array(), what);
            case BOOLEAN -> assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray(), what);
            default -> throw new AssertionError(what + ": unexpected type " + want);
        }
    }

    private void assertMatches(String fixture, WeightFile read) {
        NDList want = TorchFiles.expected(manager, fixture);
        assertEquals(want.stream().map(NDArray::getName).toList(), read.arrays().stream().map(NDArray::getName)
                .toList(), fixture + ": keys in file order");
        for (NDArray w : want) {
            assertSame(w, read.arrays().get(w.getName()), fixture + " '" + w.getName() + "'");
        }
    }

    @Test
    void everyDtype() {
        WeightFile w = WeightFile.read(TorchFiles.file("dtypes.pth"), manager, null);
        assertEquals(WeightFormat.TORCH_ZIP, w.format());
        assertEquals("", w.picked());
        assertMatches("dtypes", w);
        assertEquals(Map.of("float32", 2, "float16", 1, "bfloat16", 1, "float64", 1, "int64", 1, "int32", 1,
                "uint8", 1, "bool", 1), w.dtypes());
        assertEquals(DataType.FLOAT64, w.arrays().get("f64").getDataType(), "float64 kept until set");
        assertEquals(0, w.arrays().get("scalar").getShape().dimension(), "a 0-d tensor stays 0-d");
    }

    /** Transposed, stepped, offset, shared-storage, expanded (stride 0) and empty views materialise correctly. */
    @Test
    void viewsOfSharedStorages() {
        WeightFile w = WeightFile.read(TorchFiles.file("views.pth"), manager, null);
        assertMatches("views", w);
    }

    @Test
    void legacyFormat() {
        WeightFile w = WeightFile.read(TorchFiles.file("legacy.pth"), manager, null);
        assertEquals(WeightFormat.TORCH_LEGACY, w.format());
        assertMatches("legacy", w);
    }

    @Test
    void safetensorsByHand() {
        WeightFile w = WeightFile.read(TorchFiles.file("weights.safetensors"), manager, null);
        assertEquals(WeightFormat.SAFETENSORS, w.format());
        assertMatches("weights", w);
    }

    /** Told by content, not extension: the same bytes under another name read the same. */
    @Test
    void formatByContent() throws Exception {
        Path renamed = dir.resolve("weights.bin");
        Files.copy(TorchFiles.file("dtypes.pth"), renamed);
        assertEquals(WeightFormat.TORCH_ZIP, WeightFile.read(renamed, manager, null).format());
        Path npz = dir.resolve("weights.pth");
        Files.copy(TorchFiles.file("views.expected.npz"), npz);
        WeightFile w = WeightFile.read(npz, manager, null);
        assertEquals(WeightFormat.NPZ, w.format());
        assertMatches("views", w);
    }

    /** As the authors' train.py saves: the state dict under 'model_weights', an Adam state beside it. */
    @Test
    void wrappedStateDictIsFoundByKey() {
        WeightFile w = WeightFile.read(TorchFiles.file("wrapped.pth"), manager, null);
        assertEquals("model_weights", w.picked());
        assertMatches("wrapped", w);
        WeightFile named = WeightFile.read(TorchFiles.file("wrapped.pth"), manager, "model_weights");
        assertMatches("wrapped", named);
    }

    @Test
    void ambiguousWrapIsRefusedNamingTheCandidates() {
        DataException e = assertThrows(DataException.class,
                () -> WeightFile.read(TorchFiles.file("ambiguous.pth"), manager, null));
        assertTrue(e.getMessage().contains("2 dicts of tensors: 'model' (9 tensors), 'ema' (9 tensors)")
                && e.getMessage().contains("--key"), e.getMessage());
        WeightFile ema = WeightFile.read(TorchFiles.file("ambiguous.pth"), manager, "ema");
        assertEquals("ema", ema.picked());
        assertEquals(9, ema.arrays().size(), "conv 2, BatchNorm 5, linear 2");
    }

    @Test
    void keyThatIsNotThereNamesTheKeys() {
        DataException e = assertThrows(DataException.class,
                () -> WeightFile.read(TorchFiles.file("wrapped.pth"), manager, "model"));
        assertTrue(e.getMessage().contains("no 'model' in the top-level dict, whose keys are 'epoch',"
                + " 'model_weights', 'optimizer_state', 'lrate'"), e.getMessage());
        DataException notTensors = assertThrows(DataException.class,
                () -> WeightFile.read(TorchFiles.file("wrapped.pth"), manager, "optimizer_state"));
        assertTrue(notTensors.getMessage().contains("not a dict of tensors"), notTensors.getMessage());
    }

    @Test
    void truncatedZipIsNamed() {
        DataException e = assertThrows(DataException.class,
                () -> WeightFile.read(TorchFiles.file("truncated.pth"), manager, null));
        assertTrue(e.getMessage().startsWith(TorchFiles.file("truncated.pth").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    /** Cut inside the pickle, inside the storages' bytes, inside the safetensors data: each named as such. */
    @Test
    void truncatedLegacyAndSafetensorsAreNamed() throws Exception {
        byte[] legacy = Files.readAllBytes(TorchFiles.file("legacy.pth"));
        byte[] safetensors = Files.readAllBytes(TorchFiles.file("weights.safetensors"));
        Map<String, byte[]> cuts = Map.of("legacy-pickle.pth", java.util.Arrays.copyOf(legacy, 300),
                "legacy-data.pth", java.util.Arrays.copyOf(legacy, legacy.length - 20),
                "cut.safetensors", java.util.Arrays.copyOf(safetensors, safetensors.length - 20));
        for (Map.Entry<String, byte[]> c : cuts.entrySet()) {
            Path cut = Files.write(dir.resolve(c.getKey()), c.getValue());
            DataException e = assertThrows(DataException.class, () -> WeightFile.read(cut, manager, null));
            assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
            String want = c.getKey().startsWith("legacy") ? "the file ends early (truncated?)" : "data_offsets";
            assertTrue(e.getMessage().contains(want), e.getMessage());
        }
    }

    @Test
    void otherFilesAreNamedAsSuch() throws Exception {
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "not weights");
        DataException e = assertThrows(DataException.class, () -> WeightFile.read(text, manager, null));
        assertEquals(text + ": neither a PyTorch checkpoint (torch.save: a zip with data.pkl, or a legacy pickle), a"
                + " safetensors file nor a NumPy .npz file: it starts with bytes 6e 6f 74 20 77 65 69 67 68 74 73"
                + " (\"not weights\")", e.getMessage());
        Path empty = Files.write(dir.resolve("empty.npz"), new byte[0]);
        assertTrue(assertThrows(DataException.class, () -> WeightFile.read(empty, manager, null)).getMessage()
                .endsWith("nor a NumPy .npz file: it is empty"));
        Path missing = dir.resolve("missing.pth");
        assertTrue(assertThrows(DataException.class, () -> WeightFile.read(missing, manager, null)).getMessage()
                .contains("no such file"));
    }

    /** A zip of .npy names whose members are no arrays is named as such, not as DJL's "Malformed numpy data". */
    @Test
    void anNpzOfNonArraysNamesTheMember() throws Exception {
        Path npz = dir.resolve("bad.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(npz))) {
            z.putNextEntry(new ZipEntry("conv.weight.npy"));
            z.write("hello world".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        }
        DataException e = assertThrows(DataException.class, () -> WeightFile.read(npz, manager, null));
        assertEquals(npz + ": not a valid NumPy .npz file: member conv.weight.npy is not a .npy array (it starts with"
                + " bytes 68 65 6c 6c 6f 20 (\"hello \"))", e.getMessage());

        Path zip = dir.resolve("other.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.closeEntry();
        }
        assertTrue(assertThrows(DataException.class, () -> WeightFile.read(zip, manager, null)).getMessage()
                .endsWith("neither a PyTorch checkpoint (no <archive>/data.pkl) nor a NumPy .npz file (members other"
                        + " than .npy: readme.txt)"));
    }
}
