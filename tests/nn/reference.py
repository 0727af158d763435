"""An independent, deliberately naive implementation of the documented mathematics
(rows = samples, W (in, out), MSE of the mean, paper Adam, report momentum), written
without pyneural's code, to check that both backends implement the specification."""

import numpy as np


def act(name, z):
    if name == "relu":
        return np.maximum(z, 0)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    return z


def act_grad(name, z):
    if name == "relu":
        return (z > 0).astype(z.dtype)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)
    return np.ones_like(z)


def train_mse(params, activations, x, y, epochs, batch_size, optimizer, lr_at):
    """Train with MSE, batches in row order; optimizer is ('sgd',), ('momentum', mu)
    or ('adam', b1, b2, eps). Returns new params (list of (W, b))."""
    params = [(w.astype(np.float64).copy(), b.astype(np.float64).copy()) for w, b in params]
    state = [[np.zeros_like(w), np.zeros_like(b), np.zeros_like(w), np.zeros_like(b)] for w, b in params]
    t = 0
    n = len(x)
    for epoch in range(epochs):
        lr = lr_at(epoch)
        for start in range(0, n, batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            zs, ins = [], []
            a = xb
            for (w, b), name in zip(params, activations):
                ins.append(a)
                z = a @ w + b
                zs.append(z)
                a = act(name, z)
            g = 2 * (a - yb) / a.size
            grads = [None] * len(params)
            for l in range(len(params) - 1, -1, -1):
                g = g * act_grad(activations[l], zs[l])
                grads[l] = (ins[l].T @ g, g.sum(axis=0))
                g = g @ params[l][0].T
            t += 1
            for l, ((w, b), (gw, gb)) in enumerate(zip(params, grads)):
                s = state[l]
                if optimizer[0] == "sgd":
                    w -= lr * gw
                    b -= lr * gb
                elif optimizer[0] == "momentum":
                    mu = optimizer[1]
                    s[0][...] = mu * s[0] + lr * gw
                    s[1][...] = mu * s[1] + lr * gb
                    w -= s[0]
                    b -= s[1]
                else:
                    _, b1, b2, eps = optimizer
                    for p, gp, m, v in ((w, gw, s[0], s[2]), (b, gb, s[1], s[3])):
                        m[...] = b1 * m + (1 - b1) * gp
                        v[...] = b2 * v + (1 - b2) * gp * gp
                        mhat = m / (1 - b1 ** t)
                        vhat = v / (1 - b2 ** t)
                        p -= lr * mhat / (np.sqrt(vhat) + eps)
    return params
