package com.oneshotct.model.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The allow-list of {@link RestrictedUnpickler}: the only globals a state dict's pickle may name, those PyTorch
 * itself writes for tensors and dicts, each with a Java stand-in that builds plain data and calls nothing. A pickle
 * is a program; naming any other global refuses the whole file.
 */
enum TorchGlobal implements IObjectConstructor {
    /** {@code OrderedDict()}, the state dict itself; its items arrive by SETITEMS, its {@code _metadata} by BUILD. */
    ORDERED_DICT("collections", "OrderedDict"),
    /** {@code (storage, offset, size, stride, requires_grad, backward_hooks[, metadata])}, PyTorch 1.x and 2.x. */
    REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2"),
    /** {@code (storage, offset, size, stride)}, files of PyTorch before 1.0. */
    REBUILD_TENSOR("torch._utils", "_rebuild_tensor"),
    /** {@code (data, requires_grad, backward_hooks)}: an {@code nn.Parameter} saved as such. */
    REBUILD_PARAMETER("torch._utils", "_rebuild_parameter"),
    /** {@code (data, requires_grad, backward_hooks, state)}: a Parameter with Python attributes (dropped). */
    REBUILD_PARAMETER_WITH_STATE("torch._utils", "_rebuild_parameter_with_state"),
    FLOAT_STORAGE(WeightDType.FLOAT32),
    HALF_STORAGE(WeightDType.FLOAT16),
    BFLOAT16_STORAGE(WeightDType.BFLOAT16),
    DOUBLE_STORAGE(WeightDType.FLOAT64),
    LONG_STORAGE(WeightDType.INT64),
    INT_STORAGE(WeightDType.INT32),
    CHAR_STORAGE(WeightDType.INT8),
    BYTE_STORAGE(WeightDType.UINT8),
    BOOL_STORAGE(WeightDType.BOOL);

    private final String module;
    private final String name;
    /** The element type of a storage class; null for the callables. */
    private final WeightDType storage;

    TorchGlobal(String module, String name) {
        this.module = module;
        this.name = name;
        this.storage = null;
    }

    TorchGlobal(WeightDType storage) {
        this.module = "torch";
        this.name = storage.storageClass();
        this.storage = storage;
    }

    /** {@code module.name}, as Python spells the global. */
    String qualifiedName() {
        return module + "." + name;
    }

    /** The element type, when this global is a storage class (which a persistent id names, never calls). */
    WeightDType storageType() {
        return storage;
    }

    /** The allowed global {@code module.name}, or null. */
    static TorchGlobal of(String module, String name) {
        for (TorchGlobal g : values()) {
            if (g.module.equals(module) && g.name.equals(name)) {
                return g;
            }
        }
        return null;
    }

    /** Every allowed global, for messages. */
    static List<String> names() {
        List<String> out = new ArrayList<>();
        for (TorchGlobal g : values()) {
            out.add(g.qualifiedName());
        }
        return out;
    }

    @Override
    public Object construct(Object[] args) {
        return switch (this) {
            case ORDERED_DICT -> orderedDict(args);
            case REBUILD_TENSOR_V2 -> tensor(args, 6, 7);
            case REBUILD_TENSOR -> tensor(args, 4, 4);
            case REBUILD_PARAMETER -> parameter(args, 3);
            case REBUILD_PARAMETER_WITH_STATE -> parameter(args, 4);
            default -> throw new PickleException("the pickle calls the storage class " + qualifiedName()
                    + ", which PyTorch only names in a persistent id");
        };
    }

    private Object orderedDict(Object[] args) {
        Map<Object, Object> map = new LinkedHashMap<>();
        if (args.length == 1 && args[0] instanceof List<?> items) {
            // OrderedDict([(k, v), ...])
            for (Object item : items) {
                if (!(item instanceof Object[] pair) || pair.length != 2) {
                    throw new PickleException(qualifiedName() + " given an item that is not a (key, value) pair");
                }
                map.put(pair[0], pair[1]);
            }
        } else if (args.length != 0) {
            throw new PickleException(qualifiedName() + " called with " + args.length + " arguments");
        }
        return map;
    }

    private Object tensor(Object[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw new PickleException(qualifiedName() + " called with " + args.length + " arguments, expected "
                    + (min == max ? "" + min : min + " or " + max));
        }
        if (!(args[0] instanceof PickledStorage s)) {
            throw new PickleException(qualifiedName() + " called on a " + typeName(args[0]) + ", not a storage");
        }
        return new PickledTensor(s, longOf(args[1], "storage offset"), longs(args[2], "size"),
                longs(args[3], "stride"));
    }

    private Object parameter(Object[] args, int n) {
        if (args.length != n || !(args[0] instanceof PickledTensor t)) {
            throw new PickleException(qualifiedName() + " called with " + args.length + " arguments, the first a "
                    + (args.length == 0 ? "none" : typeName(args[0])) + "; expected " + n + ", the first a tensor");
        }
        return t;
    }

    private long[] longs(Object tuple, String what) {
        if (!(tuple instanceof Object[] items)) {
            throw new PickleException(qualifiedName() + ": the " + what + " is a " + typeName(tuple)
                    + ", not a tuple");
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = longOf(items[i], what);
        }
        return out;
    }

    private long longOf(Object o, String what) {
        if (o instanceof Integer || o instanceof Long) {
            return ((Number) o).longValue();
        }
        throw new PickleException(qualifiedName() + ": the " + what + " holds a " + typeName(o)
                + ", not an integer");
    }

    /** Python's name of a Java object the unpickler built, for messages. */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        } else if (o instanceof PickledTensor) {
            return "tensor";
        } else if (o instanceof Map) {
            return "dict";
        } else if (o instanceof List) {
            return "list";
        } else if (o instanceof Object[]) {
            return "tuple";
        } else if (o instanceof String) {
            return "str";
        } else if (o instanceof byte[]) {
            return "bytes";
        } else if (o instanceof Boolean) {
            return "bool";
        } else if (o instanceof Double) {
            return "float";
        } else if (o instanceof Number) {
            return "int";
        } else if (o instanceof TorchGlobal g) {
            return g.qualifiedName();
        }
        return o.getClass().getSimpleName();
    }
}
