package com.oneshotct.model.weights;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * razorvine's unpickler with every opcode that names, resolves or calls a Python object taken over: a global is
 * looked up only in {@link TorchGlobal}'s allow-list, and refused naming {@code module.name} otherwise, before
 * razorvine's own registry ({@code Unpickler.registerConstructor}, its built-in handlers for {@code datetime},
 * {@code builtins} and others, its catch-all {@code ClassDict}) is ever consulted. Only the allow-list's stand-ins
 * can be called (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ); INST and PERSID, which PyTorch never writes, are refused; BUILD is
 * accepted only on a dict (a state dict's {@code _metadata}, dropped). Persistent ids (BINPERSID, PyTorch's storages)
 * go to the reader's own function. Dicts keep the file's order.
 *
 * <p>Length-prefixed strings and bytes are read here too, their length capped at {@link #MAX_OBJECT}; the other data
 * opcodes (numbers, short strings, tuples, lists, memo) stay razorvine's.
 */
final class RestrictedUnpickler extends Unpickler {
    /** The longest string, bytes or integer encoding accepted: 16 MiB, far above any key or number in a state dict. */
    static final long MAX_OBJECT = 16L << 20;

    private final Function<Object, Object> persistentLoad;

    /** {@code persistentLoad} turns a persistent id (a tuple) into the object it stands for. */
    RestrictedUnpickler(Function<Object, Object> persistentLoad) {
        this.persistentLoad = persistentLoad;
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(allowed(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL names a global with a " + TorchGlobal.typeName(module)
                            + " and a " + TorchGlobal.typeName(name) + " instead of two strings");
                }
                stack.add(allowed(m, n));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                throw refused(module + "." + name);
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                stack.add(call(callable, args));
            }
            case Opcodes.NEWOBJ_EX -> {
                Object kwargs = stack.pop();
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                    throw new PickleException("NEWOBJ_EX with keyword arguments, which PyTorch does not write");
                }
                stack.add(call(callable, args));
            }
            case Opcodes.OBJ -> {
                List<Object> items = stack.pop_all_since_marker();
                if (items.isEmpty()) {
                    throw new PickleException("OBJ without a class");
                }
                stack.add(call(items.get(0), items.subList(1, items.size()).toArray()));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (!(target instanceof Map) || !(state instanceof Map || state == null)) {
                    throw new PickleException("BUILD sets the state of a " + TorchGlobal.typeName(target)
                            + ", which a state dict's pickle does not do");
                }
                // a state dict's attributes (its _metadata of module versions): nothing the weights need
            }
            case Opcodes.PERSID -> throw new PickleException("PERSID (a text persistent id), which PyTorch does not"
                    + " write");
            case Opcodes.BINPERSID -> stack.add(persistentLoad.apply(stack.pop()));
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                stack.add(putAll(new LinkedHashMap<>(), items));
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putAll(dictOnTop(), items);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                dictOnTop().put(k, value);
            }
            // Length-prefixed data: razorvine allocates the stated length before reading, so a few bytes of a hostile
            // file could ask for gigabytes. PyTorch's pickles hold keys and small numbers; storages live outside.
            case Opcodes.BINBYTES -> stack.add(bytes(length(4)));
            case Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> stack.add(bytes(length(8)));
            case Opcodes.BINUNICODE -> stack.add(new String(bytes(length(4)), StandardCharsets.UTF_8));
            case Opcodes.BINUNICODE8 -> stack.add(new String(bytes(length(8)), StandardCharsets.UTF_8));
            case Opcodes.BINSTRING -> stack.add(PickleUtils.rawStringFromBytes(bytes(length(4))));
            case Opcodes.LONG4 -> stack.add(PickleUtils.decode_long(bytes(length(4))));
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    /** A little-endian length of {@code size} bytes (4: signed, as Python writes it), within {@link #MAX_OBJECT}. */
    private long length(int size) throws IOException {
        byte[] b = PickleUtils.readbytes(input, size);
        long n = size == 4 ? PickleUtils.bytes_to_integer(b) : PickleUtils.bytes_to_long(b, 0);
        if (n < 0 || n > MAX_OBJECT) {
            throw new PickleException("a string or bytes object of " + n + " bytes in the pickle, over the "
                    + MAX_OBJECT + " a state dict's pickle may hold");
        }
        return n;
    }

    private byte[] bytes(long n) throws IOException {
        return PickleUtils.readbytes(input, (int) n);
    }

    private static TorchGlobal allowed(String module, String name) {
        TorchGlobal g = TorchGlobal.of(module, name);
        if (g == null) {
            throw refused(module + "." + name);
        }
        return g;
    }

    static PickleException refused(String global) {
        return new PickleException("the pickle names the global '" + global + "', which is not one PyTorch writes"
                + " for tensors and dicts; refused without resolving or calling it (a pickle is a program: only "
                + String.join(", ", TorchGlobal.names()) + " are allowed)");
    }

    private static Object call(Object callable, Object args) {
        if (!(callable instanceof TorchGlobal g)) {
            throw new PickleException("the pickle calls a " + TorchGlobal.typeName(callable)
                    + ", which is not an allowed global");
        }
        if (!(args instanceof Object[] a)) {
            throw new PickleException("the pickle calls " + g.qualifiedName() + " with a "
                    + TorchGlobal.typeName(args) + " of arguments instead of a tuple");
        }
        return ((IObjectConstructor) g).construct(a);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnTop() {
        Object top = stack.peek();
        if (!(top instanceof Map)) {
            throw new PickleException("SETITEM on a " + TorchGlobal.typeName(top) + ", not a dict");
        }
        return (Map<Object, Object>) top;
    }

    private static Map<Object, Object> putAll(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleException("a dict's items are not key, value pairs");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(items.get(i), items.get(i + 1));
        }
        return dict;
    }
}
