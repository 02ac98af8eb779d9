"""PyTorch reference for Slope's training loop (tests and benchmarks).

Reads one JSON job (or a list of jobs) from stdin and prints {"loss": [...], "params": [...]}
(or a list of them) on stdout.
The loop is the tutorial's: forward, MSELoss, backward, optimizer.step(), scheduler.step() once
per epoch. Float64 by default so a parity test can compare to ~1e-12; weight decay is applied to
the weights only (bias in its own parameter group), as Slope does.

Job: {"x": [[...] per row], "y": [...], "epochs": N, "lr": 0.01,
      "optimizer": "SGD"|"Adam"|"AdamW"|"RMSprop"|"Adagrad"|… (a torch.optim class name),
      "optimizer_kwargs": {its keyword arguments but lr and weight_decay}, "weight_decay",
      "schedule": null | {"kind": "step", "step_size", "gamma"} | {"kind": "exponential", "gamma"}
                  | {"kind": "cosine", "t_max", "eta_min"},
      "orders": null | [[row indices] per epoch], "batch_size": null | n,
      "init": [w..., b], "dtype": "float64"|"float32"}
"""
import json
import sys

import torch


def run(job: dict) -> dict:
    dtype = torch.float64 if job.get("dtype", "float64") == "float64" else torch.float32
    torch.set_num_threads(1)
    x = torch.tensor(job["x"], dtype=dtype)
    y = torch.tensor(job["y"], dtype=dtype).reshape(-1, 1)
    d = x.shape[1]
    init = job["init"]
    w = torch.tensor([init[:d]], dtype=dtype).T.clone().requires_grad_(True)
    b = torch.tensor([init[d]], dtype=dtype).clone().requires_grad_(True)
    groups = [{"params": [w], "weight_decay": job.get("weight_decay", 0.0)}, {"params": [b], "weight_decay": 0.0}]
    kwargs = dict(job.get("optimizer_kwargs", {}))
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    # The class is looked up by name, so a new Slope optimizer needs no change here.
    opt = getattr(torch.optim, job["optimizer"])(groups, lr=job["lr"], **kwargs)
    sched = None
    s = job.get("schedule")
    if s and s["kind"] == "step":
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=s["step_size"], gamma=s["gamma"])
    elif s and s["kind"] == "exponential":
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=s["gamma"])
    elif s and s["kind"] == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s["t_max"], eta_min=s.get("eta_min", 0.0))
    loss_fn = torch.nn.MSELoss()
    losses = []
    n = x.shape[0]
    batch = job.get("batch_size") or n
    for epoch in range(job["epochs"]):
        order = job["orders"][epoch] if job.get("orders") else list(range(n))
        batch_losses = []
        for start in range(0, n, batch):
            idx = torch.tensor(order[start : start + batch])
            pred = x[idx] @ w + b
            loss = loss_fn(pred, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
        if sched is not None:
            sched.step()
    return {"loss": losses, "params": w.detach().flatten().tolist() + [b.item()]}


def main() -> None:
    job = json.load(sys.stdin)
    # A list of jobs runs in one process: importing torch costs ~0.7 s, a job milliseconds.
    json.dump([run(j) for j in job] if isinstance(job, list) else run(job), sys.stdout)


if __name__ == "__main__":
    main()
