"""Writes the small torch.save / safetensors fixtures of com.oneshotct.model.weights' tests, and beside each one an
.expected.npz saved by numpy from the same tensors: the independent truth the Java tests compare against.

Run from this folder, with any PyTorch >= 1.13 (the committed files come from Debian's PyTorch 1.13):

    cd model/src/test/resources/torchfiles && python3 make_fixtures.py [oneshot_forward_weights.tsv]

(the reference's key list, by default from shared/golden/torchvision beside the repository: see authors_tiny).

The Java tests never run Python; re-running this only rewrites the files. Seeds are fixed, so the values are the
same on every run (the zip members' bytes may differ between PyTorch versions).

bfloat16 has no numpy type: its expected values are stored widened to float32, which is exact.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import zipfile

import numpy as np
import torch
import torchvision

torch.manual_seed(0)
HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def expected(name, tensors):
    """numpy's copy of each tensor (bfloat16 widened to float32), saved as NAME.expected.npz."""
    arrays = {}
    for key, t in tensors.items():
        t = t.detach()
        if t.dtype == torch.bfloat16:
            t = t.float()
        arrays[key] = t.contiguous().numpy()
    np.savez(path(name + ".expected.npz"), **arrays)


def dtypes():
    """One tensor of every dtype the reader converts, with values that round-trip through each."""
    sd = collections.OrderedDict()
    sd["f32"] = torch.randn(3, 4)
    sd["f16"] = torch.randn(2, 5).half()
    sd["bf16"] = torch.randn(7).bfloat16()
    sd["f64"] = torch.randn(2, 2, dtype=torch.float64)
    sd["i64"] = torch.tensor([-3, 0, 2 ** 40 + 7], dtype=torch.int64)
    sd["i32"] = torch.tensor([[-5, 6], [7, 2 ** 30]], dtype=torch.int32)
    sd["u8"] = torch.tensor([0, 17, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(2.5)
    torch.save(sd, path("dtypes.pth"))
    expected("dtypes", sd)
    return sd


def views():
    """Views saved as they are: one storage each, with offsets and strides."""
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    shared = torch.randn(30)
    sd = collections.OrderedDict()
    sd["base"] = base
    sd["transposed"] = base.t()  # strides (1, 6), same storage as base
    sd["stepped"] = base[1::2, 1::3]  # offset 7, strides (12, 3)
    sd["first"] = shared[3:9].view(2, 3)  # two tensors on one storage, offsets 3 and 12
    sd["second"] = shared[12:28]
    sd["expanded"] = torch.randn(3).expand(4, 3)  # stride 0
    sd["empty"] = torch.zeros(0, 3)
    torch.save(sd, path("views.pth"))
    expected("views", sd)


def state_dict_of(seed):
    torch.manual_seed(seed)
    m = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.Linear(4, 2))
    with torch.no_grad():
        m[1].running_mean.normal_()
    return m, m.state_dict()


def wrapped():
    """As the authors' train.py saves it: the state dict under 'model_weights', beside an Adam state (whose per-
    parameter dicts hold tensors too, a level deeper) and scalars. A second file wraps two state dicts: ambiguous."""
    m, sd = state_dict_of(1)
    opt = torch.optim.Adam(m.parameters(), lr=1e-5)
    m(torch.randn(1, 2, 6, 6)).sum().backward()
    opt.step()
    torch.save({"epoch": "10", "model_weights": sd, "optimizer_state": opt.state_dict(), "lrate": 1e-5},
               path("wrapped.pth"))
    expected("wrapped", sd)
    _, other = state_dict_of(2)
    torch.save({"model": sd, "ema": other, "epoch": 3}, path("ambiguous.pth"))


def legacy(sd):
    """PyTorch < 1.6's format: pickles back to back, then the storages' raw bytes."""
    base = torch.randn(5, 4)
    legacy_sd = collections.OrderedDict()
    legacy_sd["f32"] = sd["f32"]
    legacy_sd["f16"] = sd["f16"]
    legacy_sd["i64"] = sd["i64"]
    legacy_sd["rows"] = base[1:4]  # offset 4 into base's storage
    legacy_sd["cols"] = base[:, ::2]  # strides (4, 2), the same storage
    torch.save(legacy_sd, path("legacy.pth"), _use_new_zipfile_serialization=False)
    expected("legacy", legacy_sd)


def truncated():
    with open(path("dtypes.pth"), "rb") as f:
        data = f.read()
    with open(path("truncated.pth"), "wb") as f:
        f.write(data[: len(data) * 6 // 10])


class Payload:
    """What a malicious checkpoint holds: unpickling it runs a shell command."""

    def __reduce__(self):
        return os.system, ("touch /tmp/oneshot-fixture-pwned",)


class EvalPayload:
    def __reduce__(self):
        return eval, ("__import__('os').system('touch /tmp/oneshot-fixture-pwned')",)


def malicious():
    # torch.save pickles with protocol 2: GLOBAL 'posix system' (os.system's module on Linux)
    torch.save({"weight": torch.ones(2), "payload": Payload()}, path("malicious.pth"))
    # protocol 4 names globals with STACK_GLOBAL ('builtins' 'eval'): a hand-built archive in torch's layout
    with zipfile.ZipFile(path("malicious_stack_global.pth"), "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps({"payload": EvalPayload()}, protocol=4))
        z.writestr("archive/version", "3\n")


def safetensors():
    """The safetensors layout written by hand (the package may be absent): u64 header length, JSON header, data."""
    torch.manual_seed(3)
    tensors = collections.OrderedDict()
    tensors["w32"] = torch.randn(2, 3)
    tensors["w16"] = torch.randn(4).half()
    tensors["wbf16"] = torch.randn(3).bfloat16()
    tensors["w64"] = torch.randn(2, 2, dtype=torch.float64)
    tensors["steps"] = torch.tensor([1, 2 ** 35], dtype=torch.int64)
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
             torch.int64: "I64"}
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for key, t in tensors.items():
        raw = t.contiguous().view(torch.uint8).numpy().tobytes()  # the storage's bytes, little-endian
        header[key] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path("weights.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(b"".join(blobs))
    expected("weights", tensors)


def tiny_torchvision_resnet18():
    """Every key and shape of torchvision's resnet18 state dict, fc included, in a file of a few KB: each tensor is
    a strided view (strides (1, 2, 0, ...), an offset) into one shared storage of 2304 values, which torch.save
    writes once. The expected file holds, for the tensors other than num_batches_tracked in file order (their keys
    in resnet18_tiny.keys.txt), torch's sum of each whole tensor ("sum"), and 4 sampled flat indices ("index") and
    their elements ("value")."""
    torch.manual_seed(4)
    shapes = collections.OrderedDict((k, tuple(v.shape)) for k, v in torchvision.models.resnet18().state_dict().items())
    pool = torch.rand(2304) + 0.5  # positive: running variances too
    sd = collections.OrderedDict()
    sums, indices, values = [], [], []
    for i, (key, shape) in enumerate(shapes.items()):
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(0)
            continue
        strides = [1, 2] + [0] * (len(shape) - 2)
        t = pool.as_strided(shape, strides[: len(shape)], (37 * i) % 251)
        sd[key] = t
        flat = t.reshape(-1)
        picks = torch.randint(0, flat.numel(), (4,))
        sums.append(t.double().sum().item())
        indices.append(picks.numpy())
        values.append(flat[picks].numpy())
    torch.save(sd, path("resnet18_tiny.pth"))
    np.savez(path("resnet18_tiny.expected.npz"), sum=np.array(sums), index=np.stack(indices),
             value=np.stack(values))
    with open(path("resnet18_tiny.keys.txt"), "w") as f:
        f.write("".join(k + "\n" for k in sd if not k.endswith("num_batches_tracked")))


def authors_tiny(tsv):
    """A checkpoint as the authors' train.py saves it, {'epoch', 'model_weights', 'optimizer_state', 'lrate'}, of
    the whole ResNeXt50 one-shot model: the reference's keys and shapes from TSV (shared/golden/torchvision/
    oneshot_forward_weights.tsv beside the repository, written from the reference model; it lists parameters, so
    every BatchNorm's running_mean, running_var and num_batches_tracked are added after its bias, as a state dict
    has them). Values: views of one storage of 2304 values with strides (1, 0, ...), so the file stays small (410 keys'
    pickle: 66 KB). Truth as resnet18_tiny, with one sampled element per tensor: authors_tiny.keys.txt, and sum /
    index / value in authors_tiny.expected.npz."""
    torch.manual_seed(5)
    shapes = collections.OrderedDict()
    with open(tsv) as f:
        for line in f:
            key, shape, kind = line.rstrip("\n").split("\t")
            shapes[key] = tuple(int(x) for x in shape.split("x"))
            if kind == "bn_bias":
                stem = key[: -len("bias")]
                shapes[stem + "running_mean"] = shapes[key]
                shapes[stem + "running_var"] = shapes[key]
                shapes[stem + "num_batches_tracked"] = ()
    pool = torch.rand(2304) + 0.5
    sd = collections.OrderedDict()
    sums, indices, values = [], [], []
    for i, (key, shape) in enumerate(shapes.items()):
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(0)
            continue
        t = pool.as_strided(shape, [1] + [0] * (len(shape) - 1), (37 * i) % 251)
        sd[key] = t
        flat = t.reshape(-1)
        pick = torch.randint(0, flat.numel(), ())
        sums.append(t.double().sum().item())
        indices.append(pick.item())
        values.append(flat[pick].item())
    optimizer = {"state": {}, "param_groups": [{"lr": 1e-5, "betas": (0.9, 0.999), "eps": 1e-8,
                                                "weight_decay": 1e-3, "amsgrad": False,
                                                "params": list(range(len(sums)))}]}
    torch.save({"epoch": "10", "model_weights": sd, "optimizer_state": optimizer, "lrate": 1e-5},
               path("authors_tiny.pth"))
    np.savez(path("authors_tiny.expected.npz"), sum=np.array(sums), index=np.array(indices),
             value=np.array(values, dtype=np.float32))
    with open(path("authors_tiny.keys.txt"), "w") as f:
        f.write("".join(k + "\n" for k in sd if not k.endswith("num_batches_tracked")))


if __name__ == "__main__":
    sd = dtypes()
    views()
    wrapped()
    legacy(sd)
    truncated()
    malicious()
    safetensors()
    tiny_torchvision_resnet18()
    authors_tiny(sys.argv[1] if len(sys.argv) > 1
                 else os.path.join(HERE, "../../../../../../shared/golden/torchvision/oneshot_forward_weights.tsv"))
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".py"):
            print(f"{os.path.getsize(path(name)):8d}  {name}")
