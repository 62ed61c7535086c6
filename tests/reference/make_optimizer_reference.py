"""Reference trajectories of SGD (momentum), Adam and AdamW from PyTorch, for optimizer_test.cc.

Run with Debian's Python, which has PyTorch (python3-torch 1.13):
    /usr/bin/python3 tests/reference/make_optimizer_reference.py
It writes tests/reference/optimizer_reference.json: a parameter vector, the gradients fed at
each of four steps, and the parameter after each step for each optimiser setting.
"""
import json
import os

import torch

torch.manual_seed(7)
initial = torch.randn(6).float()
grads = [torch.randn(6).float() for _ in range(4)]

settings = {
    "sgd": lambda p: torch.optim.SGD([p], lr=0.1),
    "sgd_momentum_wd": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01),
    "adam": lambda p: torch.optim.Adam([p], lr=0.01),
    "adam_l2": lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.8, 0.99), eps=1e-6,
                                          weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW([p], lr=0.01, weight_decay=0.1),
}

out = {"torch_version": torch.__version__, "initial": initial.tolist(),
       "grads": [g.tolist() for g in grads], "trajectories": {}}
for name, make in settings.items():
    p = torch.nn.Parameter(initial.clone())
    opt = make(p)
    steps = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        steps.append(p.detach().clone().tolist())
    out["trajectories"][name] = steps

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimizer_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
