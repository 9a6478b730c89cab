"""PyTorch on the fit workloads (_fit_workloads), eager and with torch.compile: the PyTorch
columns of bench_fit and the torch peers of _peers_fit, so the figures are the same code."""

from __future__ import annotations

import numpy as np
from _fit_workloads import (
    EPSILON,
    LEARNING_RATE,
    MNIST_BATCH,
    MNIST_FEATURES,
    RHO,
    TINY_BATCH,
    TINY_FEATURES,
    TINY_LEARNING_RATE,
    check_tiny_sgd_step,
    steps_per_second,
    tiny_batches,
)

from _timing import clocks, since


def _torch(threads: int):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    return torch


def mnist_epochs(x, y, epochs: int, threads: int, compiled: bool = False):
    """(wall, CPU) seconds and mean loss of each epoch. compiled: torch.compile on the model and
    loss (forward and backward through inductor), the optimizer step eager; the last, short
    batch compiles its own static graph in the first epoch (the warm-up)."""
    torch = _torch(threads)
    model = torch.nn.Sequential(
        torch.nn.Linear(MNIST_FEATURES, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)
    )
    # PyTorch puts epsilon outside the root: close enough here.
    optimizer = torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha=RHO, eps=EPSILON)
    loss_fn = torch.nn.CrossEntropyLoss()

    def batch_loss(xb, yb):
        return loss_fn(model(xb), yb)

    if compiled:
        batch_loss = torch.compile(batch_loss, dynamic=False)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    seconds, losses = [], []
    for _ in range(epochs):
        start, total = clocks(), torch.zeros(())
        order = torch.randperm(len(tx))
        for i in range(0, len(tx), MNIST_BATCH):
            index = order[i : i + MNIST_BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = batch_loss(tx[index], ty[index])
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(index)
        seconds.append(since(start))
        losses.append(float(total) / len(tx))
    return seconds, losses


def compiled_mnist_epochs(x, y, epochs: int, threads: int):
    return mnist_epochs(x, y, epochs, threads, compiled=True)


def tiny_rates(x, y, repeats: int, threads: int) -> dict:
    """{"eager loop": (wall, CPU) steps/s}, after checking one SGD step against NumPy."""
    torch = _torch(threads)
    model = torch.nn.Linear(TINY_FEATURES, 8)
    w0, b0 = model.weight.detach().numpy().T.copy(), model.bias.detach().numpy().copy()
    optimizer = torch.optim.SGD(model.parameters(), lr=TINY_LEARNING_RATE)
    loss_fn = torch.nn.MSELoss()
    xb, yb = torch.from_numpy(x[:TINY_BATCH]), torch.from_numpy(y[:TINY_BATCH])
    loss_fn(model(xb), yb).backward()
    optimizer.step()
    w1, b1 = model.weight.detach().numpy().T, model.bias.detach().numpy()
    check_tiny_sgd_step(x[:TINY_BATCH], y[:TINY_BATCH], w0, b0, w1, b1)

    batches = [(torch.from_numpy(a), torch.from_numpy(b)) for a, b in tiny_batches(x, y)]

    def epoch():
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        return loss.item()

    return {"eager loop": steps_per_second(epoch, len(batches), repeats)}
