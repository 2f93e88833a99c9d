package com.oneshotct.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.oneshotct.model.data.DataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import org.junit.jupiter.api.Test;

/**
 * A pickle is a program: a global outside the allow-list is refused by name, never resolved or called, whatever
 * razorvine's own registry would have done with it.
 */
class RestrictedUnpicklerTest {
    /** What the fixtures' payloads would create if anything ran them. */
    private static final Path MARKER = Path.of("/tmp/oneshot-fixture-pwned");

    private static Object unpickle(String pickle) throws Exception {
        return new RestrictedUnpickler(pid -> {
            throw new PickleException("no persistent ids here");
        }).loads(pickle.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** torch.save of a dict holding an object whose __reduce__ is (os.system, ("touch ...",)). */
    @Test
    void osSystemInATorchFileIsRefusedByName() throws Exception {
        Files.deleteIfExists(MARKER);
        // a constructor registered with razorvine under that name would run if its registry were consulted
        AtomicInteger calls = new AtomicInteger();
        Unpickler.registerConstructor("posix", "system", args -> {
            calls.incrementAndGet();
            return null;
        });
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DataException e = assertThrows(DataException.class,
                    () -> WeightFile.read(TorchFiles.file("malicious.pth"), manager, null));
            assertTrue(e.getMessage().contains("the global 'posix.system'"), e.getMessage());
            assertTrue(e.getMessage().contains("refused without resolving or calling it"), e.getMessage());
        }
        assertEquals(0, calls.get(), "razorvine's registry was consulted");
        assertFalse(Files.exists(MARKER), "the payload ran");
    }

    /** Protocol 4 names globals with STACK_GLOBAL: builtins.eval, refused the same way. */
    @Test
    void stackGlobalIsRefusedByName() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DataException e = assertThrows(DataException.class,
                    () -> WeightFile.read(TorchFiles.file("malicious_stack_global.pth"), manager, null));
            assertTrue(e.getMessage().contains("the global 'builtins.eval'"), e.getMessage());
        }
        assertFalse(Files.exists(MARKER), "the payload ran");
    }

    /** razorvine has built-in handlers for datetime and a catch-all ClassDict: neither is reached. */
    @Test
    void razorvineBuiltInHandlersAreNotReached() {
        for (String global : List.of("datetime\ndatetime\n", "__builtin__\nset\n", "mymodule\nAnything\n",
                "builtins\nValueError\n")) {
            PickleException e = assertThrows(PickleException.class, () -> unpickle("\u0080\u0002c" + global
                    + ")R."));
            String name = global.trim().replace('\n', '.');
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        }
    }

    /** INST names and calls a class in one opcode: refused by name too. */
    @Test
    void instIsRefusedByName() {
        PickleException e = assertThrows(PickleException.class, () -> unpickle("(ios\nsystem\n."));
        assertTrue(e.getMessage().contains("'os.system'"), e.getMessage());
    }

    /** A length-prefixed object stating gigabytes is refused before anything is allocated for it. */
    @Test
    void hugeStatedLengthsAreRefused() {
        for (String op : List.of("B", "X", "T")) {
            PickleException e = assertThrows(PickleException.class, () -> unpickle("\u0080\u0002" + op
                    + "\u0000\u0000\u0000\u0070."));
            assertTrue(e.getMessage().contains("1879048192 bytes"), e.getMessage());
        }
    }

    /** The allowed globals build plain data; dicts keep their order; BUILD on a dict (its _metadata) is dropped. */
    @Test
    void allowedGlobalsBuildData() throws Exception {
        Object o = unpickle("\u0080\u0002ccollections\nOrderedDict\n)R(X\u0001\u0000\u0000\u0000bK\u0001"
                + "X\u0001\u0000\u0000\u0000aK\u0002u}X\u0009\u0000\u0000\u0000_metadataK\u0000sb.");
        assertTrue(o instanceof LinkedHashMap<?, ?>, String.valueOf(o));
        assertEquals(List.of("b", "a"), List.copyOf(((LinkedHashMap<?, ?>) o).keySet()));
        PickleException e = assertThrows(PickleException.class,
                () -> unpickle("\u0080\u0002ctorch\nFloatStorage\n)R."));
        assertTrue(e.getMessage().contains("only names in a persistent id"), e.getMessage());
    }
}
