"""Writes the full-size check of com.oneshotct.model.weights.TorchvisionBodyTest (opt-in, not in the suite):
torchvision's resnet18 and resnext50_32x4d with random weights (seed fixed), saved by torch.save as the ImageNet
files are, and each body's C5 (layer4) output on a fixed input. Nothing here is committed but this script.

    python3 make_fullsize.py DIR          # a folder outside the repository, about 150 MB
    ./mvnw -B -o -q -pl model test -Dtest=TorchvisionBodyTest -Doneshot.torchvision.dir=DIR   # DIR absolute

Per model: DIR/<name>.pth (its state_dict, fc included, about 45 MB and 95 MB) and DIR/<name>_c5.npz with
"input" (1, 3, 224, 224), "c5_eval" (the body in eval() mode: BatchNorm on the running statistics, as an ImageNet
model is used) and "c5_batch" (train() mode: BatchNorm on the image's own statistics, as the reference runs its
backbone), and "c5_eval_f64", "c5_batch_f64": the same in float64 (same weights), near-exact arithmetic to
measure float32 rounding against. So that the file's every array matters, BatchNorm weights and biases are randomised and the running
statistics are those of a few random batches rather than torchvision's initial 0 and 1.
"""
import copy
import os
import sys

import numpy as np
import torch
import torchvision
from torchvision.models._utils import IntermediateLayerGetter


def write(name, out):
    torch.manual_seed(0)
    m = getattr(torchvision.models, name)()
    bns = [b for b in m.modules() if isinstance(b, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for b in bns:
            b.weight.uniform_(0.5, 1.5)
            b.bias.normal_(0, 0.1)
            b.momentum = None  # cumulative averages over the batches below
        m.train()
        for _ in range(3):
            m(torch.randn(2, 3, 224, 224))
    for b in bns:
        b.momentum = 0.1
    torch.save(m.state_dict(), os.path.join(out, name + ".pth"))
    x = torch.randn(1, 3, 224, 224)
    body = IntermediateLayerGetter(copy.deepcopy(m), {"layer4": "0"})
    exact = copy.deepcopy(body).double()
    with torch.no_grad():
        body.eval()
        c5_eval = body(x)["0"]
        body.train()
        c5_batch = body(x)["0"]
        exact.eval()
        c5_eval64 = exact(x.double())["0"]
        exact.train()
        c5_batch64 = exact(x.double())["0"]
    np.savez(os.path.join(out, name + "_c5.npz"), input=x.numpy(), c5_eval=c5_eval.numpy(),
             c5_batch=c5_batch.numpy(), c5_eval_f64=c5_eval64.numpy(), c5_batch_f64=c5_batch64.numpy())
    print(name, tuple(c5_eval.shape), "max |c5_eval|", c5_eval.abs().max().item(), "max |c5_batch|",
          c5_batch.abs().max().item())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 make_fullsize.py DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    for name in ("resnet18", "resnext50_32x4d"):
        write(name, out)
