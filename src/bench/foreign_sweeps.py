#!/usr/bin/env python3
"""Sweeps written the way other tools write them, to check the detector on regimes and layouts
it was never tuned on (issue 12's four outside checks). numpy only; nothing here is shared with
shockscope's lab (its own trainers, its own names, its own truth rules), so a pass here is not
a pass on the lab's own dynamics.

    foreign_sweeps.py OUT [--runs 12] [--seed 0]

Writes five sweeps, each with its own `truth.csv` (shockscope's truth format):

- `OUT/deeplinear` (native layout, nothing declaring the chains linear, PyTorch names
  `layers.<i>.weight` in (out, in) order, float32): deep linear chains of depth 2-3, widths 6-32,
  trained on whitened inputs (full-batch GD on the population loss, or minibatch SGD), a teacher
  of three singular values whose learning times stand about 1 : 1.8 : 3.4, small random (not
  aligned) initialisation; 300-900 steps, checkpoints every 2-5 steps, the loss logged every 1-3
  steps. Truth: the step where each singular value of the end-to-end map first reaches half its
  target, measured at every step; width from its 1/4 and 3/4 crossings.
- `OUT/online` (MLflow file store, `mlruns/1/<run>/...`, checkpoints under
  `artifacts/checkpoints/`, names `hidden.weight`, `out.weight`): two-layer ReLU students trained
  online (batch 1) on a single ReLU unit y = relu(t.x) from a small initialisation: the loss
  escapes
  the initialisation early, then decays smoothly with per-sample noise. Truth: nothing sudden
  after t0, the first logged step where the loss's running mean (over 20 logged samples) is
  below a hundredth of its initial level, plus 5% of the run (kind `none`).
- `OUT/gpt2drift` (Hugging Face Trainer layout, GPT-2 names, fused `c_attn` in Conv1D layout):
  one GPT-2 block (attention + MLP, d_model 32-64, 4 heads) whose weights random-walk, with one
  planted QK-circuit transition in three runs of four: a rank-one component of one head's query
  and key maps that grows along a logistic front; the logged loss (noisy, slowly decaying)
  drops by a third across the same front. Truth: the front's centre (kind `jump`); the fourth
  run of each group has no planted front (kind `none` from step 0).
- `OUT/finetune` (Hugging Face Trainer layout, `trainer_state.json` as the Trainer writes it:
  the loss averaged over each logging window and rounded to four decimals, `grad_norm`,
  `learning_rate`, an `eval_loss` every few hundred steps): a two-layer MLP classifier trained
  with minibatch Adam, linear warm-up and cosine decay, on Gaussian class clusters with 5%
  noisy labels, from a standard initialisation: the curve of an ordinary fine-tuning run, where
  nothing sudden happens after the warm-up. Truth: kind `none` from twice the warm-up.

- `OUT/catapult` (native layout, `nn.Sequential` names `net.0.weight`, `net.0.bias`,
  `net.2.weight`, `net.2.bias`): two-layer tanh or ReLU networks (width 64-256, 1 or 4 outputs,
  PyTorch's default initialisation) trained by full-batch GD on a squared loss, the learning
  rate warmed up linearly over 50-200 steps to c times 2/lambda0 (lambda0 the Gauss-Newton
  sharpness at initialisation), c drawn from 0.4-0.9 (stable), 1.2-3 (catapults) or 4-8
  (mostly divergence); the loss logged every 1-10 steps, as the step's value or as the mean
  since the last log; a run that blows up logs that step and stops. Truth, measured on the
  loss at every step (`spikes`): each recovered excursion above twice the lowest loss before
  it at its peak (a one-step flicker beside another is a period-two oscillation, not an event),
  a new level held four times as long as the rise took (kind `jump`), the divergence step
  (1000 x the initial loss), or kind `none` from step 0 when the loss never rose.

Score with

    jobs/shockscope analyze --sweep OUT/deeplinear --out T1 && \
        jobs/shockscope evaluate --sweep OUT/deeplinear --tables T1 --truth OUT/deeplinear/truth.csv
"""
import argparse
import json
import math
import os

import numpy as np

from gen_sweep import write_safetensors as write_tensors

TRUTH_HEADER = "run_id,family,kind,series,step,source,width,detail"


def write_f32(path, tensors):
    write_tensors(path, tensors, "f32")


def write_truth(path, rows):
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")


def crossing(steps, values, level, start=0):
    """First interpolated step at or after index `start` where values reach `level` from below."""
    for i in range(max(start, 1), len(values)):
        if values[i] >= level > values[i - 1]:
            f = (level - values[i - 1]) / (values[i] - values[i - 1])
            return steps[i - 1] + f * (steps[i] - steps[i - 1]), i
    return float("nan"), -1


# ---------------------------------------------------------------------------------------------
# deep linear chains, native layout

def deep_linear(out, runs, rng):
    root = os.path.join(out, "deeplinear")
    os.makedirs(root, exist_ok=True)
    # nothing says the chains are linear (no preset, no activation): as a user's own sweep
    with open(os.path.join(root, "sweep.json"), "w") as f:
        json.dump({"name": "foreign deep linear"}, f)
    truth = [TRUTH_HEADER]
    manifest = ["run_id,lr,depth,width,optimizer,batch"]
    for r in range(runs):
        run = f"dl-{r:03d}"
        d = 8
        depth = int(rng.choice([2, 2, 3]))
        width = int(rng.choice([6, 8, 16, 32]))
        steps = int(rng.integers(300, 901))
        ckpt = int(rng.integers(2, 6))
        log_every = int(rng.integers(1, 4))
        sgd = bool(rng.random() < 0.5)
        batch = int(rng.choice([16, 32, 64])) if sgd else 0
        # learning times t_k ~ ln(s_k/u0) / (2 s_k lr) (depth 2): ratios about 1 : 1.8 : 3.4
        ratios = np.array([1.0, 1.8 * rng.uniform(0.9, 1.1), 3.4 * rng.uniform(0.9, 1.1)])
        s1 = rng.uniform(2.0, 5.0)
        s = s1 / ratios
        u0 = 1e-3
        t3 = rng.uniform(0.45, 0.75) * steps
        lr = math.log(s[2] / u0) / (2 * s[2] * t3) * (0.6 if depth == 3 else 1.0)
        lr = min(lr, 0.5 / s1)
        qo, _ = np.linalg.qr(rng.standard_normal((d, d)))
        qi, _ = np.linalg.qr(rng.standard_normal((d, d)))
        teacher = (qo[:, :3] * s) @ qi[:, :3].T
        dims = [d] + [width] * (depth - 1) + [d]
        scale = (u0 / math.sqrt(d)) ** (1.0 / depth) * 1.5
        ws = [rng.standard_normal((dims[i + 1], dims[i])) * scale for i in range(depth)]
        run_dir = os.path.join(root, run)
        os.makedirs(os.path.join(run_dir, "checkpoints"), exist_ok=True)
        metrics = ["step,loss"]
        sv_steps, sv = [], []
        for t in range(steps + 1):
            prod = ws[0]
            for w in ws[1:]:
                prod = w @ prod
            sv_steps.append(t)
            sv.append(np.linalg.svd(prod, compute_uv=False)[:3])
            if t % ckpt == 0 or t == steps:
                write_f32(os.path.join(run_dir, "checkpoints", f"step_{t}.safetensors"),
                                  {f"layers.{i}.weight": w for i, w in enumerate(ws)})
            if t == steps:
                break
            if sgd:
                x = rng.standard_normal((d, batch))
                err = prod @ x - teacher @ x - 0.05 * rng.standard_normal((d, batch))
                loss = 0.5 * float((err * err).sum()) / batch
                grad_prod = err @ x.T / batch
            else:
                grad_prod = prod - teacher
                loss = 0.5 * float((grad_prod * grad_prod).sum())
            if t % log_every == 0:
                metrics.append(f"{t},{loss:.8g}")
            grads = []
            for i in range(depth):
                left = np.eye(dims[-1])
                for w in reversed(ws[i + 1:]):
                    left = left @ w
                right = np.eye(d)
                for w in ws[:i]:
                    right = w @ right
                grads.append(left.T @ grad_prod @ right.T)
            for w, g in zip(ws, grads):
                w -= lr * g
        with open(os.path.join(run_dir, "metrics.csv"), "w") as f:
            f.write("\n".join(metrics) + "\n")
        manifest.append(f"{run},{lr:.6g},{depth},{width},{'sgd' if sgd else 'gd'},{batch}")
        sv = np.array(sv)
        for k in range(3):
            half, i = crossing(sv_steps, sv[:, k], s[k] / 2)
            if i < 0:
                continue
            q1, _ = crossing(sv_steps, sv[:, k], s[k] / 4)
            q3, _ = crossing(sv_steps, sv[:, k], 3 * s[k] / 4)
            width_steps = (q3 - q1) / math.log(9) * 2 if q1 == q1 and q3 == q3 else float("nan")
            truth.append(f"{run},deep-linear,jump,end_to_end.sv{k + 1},{sv_steps[i]},measured,"
                         f"{'' if width_steps != width_steps else f'{width_steps:.2f}'},"
                         f"\"sigma_{k + 1} of the end-to-end map first >= s/2 = {s[k] / 2:.4f}\"")
    with open(os.path.join(root, "runs.csv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    write_truth(os.path.join(root, "truth.csv"), truth)


# ---------------------------------------------------------------------------------------------
# online SGD from a small initialisation, MLflow file store

def online_sgd(out, runs, rng):
    root = os.path.join(out, "online", "mlruns", "1")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "meta.yaml"), "w") as f:
        f.write("experiment_id: '1'\nname: online-relu\nlifecycle_stage: active\n")
    truth = [TRUTH_HEADER]
    for r in range(runs):
        run_id = f"{r:032x}"
        name = f"online-{r:03d}"
        n = int(rng.choice([32, 64, 128]))
        k = int(rng.integers(2, 7))
        steps = int(rng.choice([4000, 8000, 16000]))
        lr = rng.uniform(0.1, 0.3) / n
        ckpt = steps // int(rng.integers(20, 60))
        log_every = int(rng.choice([1, 5, 10, 20]))
        # a window mean, as a Trainer logs, or the sample's own loss (zero where teacher and
        # student are both inactive)
        averaged = bool(rng.random() < 0.5)
        teacher = rng.standard_normal(n)
        teacher /= np.linalg.norm(teacher)
        w = rng.standard_normal((k, n)) * 1e-2 / math.sqrt(n)
        v = rng.standard_normal(k) * 1e-2
        run_dir = os.path.join(root, run_id)
        for sub in ("params", "metrics", "tags", "artifacts/checkpoints"):
            os.makedirs(os.path.join(run_dir, sub), exist_ok=True)
        for key, val in {"lr": f"{lr:.6g}", "hidden": str(k), "input_dim": str(n),
                         "batch_size": "1"}.items():
            with open(os.path.join(run_dir, "params", key), "w") as f:
                f.write(val)
        with open(os.path.join(run_dir, "tags", "mlflow.runName"), "w") as f:
            f.write(name)
        lines, logged_steps, logged = [], [], []
        window = []
        t_ms = 1_700_000_000_000 + r * 10_000_000
        for t in range(steps + 1):
            if t % ckpt == 0 or t == steps:
                write_f32(os.path.join(run_dir, "artifacts", "checkpoints",
                                               f"step_{t}.safetensors"),
                                  {"hidden.weight": w, "out.weight": v[None, :]})
            if t == steps:
                break
            x = rng.standard_normal(n)
            y = max(0.0, float(teacher @ x))
            pre = w @ x
            h = np.maximum(pre, 0.0)
            err = float(v @ h) - y
            loss = 0.5 * err * err
            window.append(loss)
            if (t + 1) % log_every == 0:
                value = float(np.mean(window)) if averaged else loss
                window = []
                lines.append(f"{t_ms + t * 10} {value:.9g} {t + 1}")
                logged_steps.append(t + 1)
                logged.append(value)
            gv = err * h
            gw = np.outer(err * v * (pre > 0), x)
            v -= lr * n / 2 * gv
            w -= lr * gw
        with open(os.path.join(run_dir, "metrics", "loss"), "w") as f:
            f.write("\n".join(lines) + "\n")
        level = np.mean(logged[:20])
        t0 = steps
        for i in range(20, len(logged)):
            if np.mean(logged[i - 20:i]) < level / 100:
                t0 = logged_steps[i]
                break
        t0 = min(steps, int(t0 + 0.05 * steps))
        truth.append(f"{name},online-sgd,none,,{t0},construction,,"
                     f"\"smooth decay after the escape: loss mean below 1% of its start, "
                     f"plus 5% of the run\"")
    write_truth(os.path.join(out, "online", "truth.csv"), truth)


# ---------------------------------------------------------------------------------------------
# one GPT-2 block with drifting weights and a planted QK front, Hugging Face Trainer layout

def gpt2_drift(out, runs, rng):
    root = os.path.join(out, "gpt2drift")
    os.makedirs(root, exist_ok=True)
    truth = [TRUTH_HEADER]
    for r in range(runs):
        run = f"gpt2-{r:03d}"
        d = int(rng.choice([32, 48, 64]))
        heads = 4
        dh = d // heads
        steps = int(rng.choice([2000, 5000, 10000]))
        ckpt = steps // int(rng.integers(40, 120))
        log_every = int(rng.choice([10, 25, 50]))
        planted = r % 4 != 3
        centre = rng.uniform(0.3, 0.7) * steps
        width = rng.uniform(0.01, 0.04) * steps
        head = int(rng.integers(heads))
        amp = rng.uniform(3.0, 6.0)
        sigma = rng.uniform(0.002, 0.006)  # random-walk step per checkpoint, per entry
        p = {
            "transformer.h.0.attn.c_attn.weight": rng.standard_normal((d, 3 * d)) * 0.02,
            "transformer.h.0.attn.c_proj.weight": rng.standard_normal((d, d)) * 0.02,
            "transformer.h.0.mlp.c_fc.weight": rng.standard_normal((d, 4 * d)) * 0.02,
            "transformer.h.0.mlp.c_proj.weight": rng.standard_normal((4 * d, d)) * 0.02,
            "transformer.wte.weight": rng.standard_normal((64, d)) * 0.02,
        }
        u = rng.standard_normal(d)
        u /= np.linalg.norm(u)
        a = rng.standard_normal(dh)
        a /= np.linalg.norm(a)
        b = rng.standard_normal(dh)
        b /= np.linalg.norm(b)
        config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 64,
                  "n_positions": 64, "n_embd": d, "n_layer": 1, "n_head": heads,
                  "activation_function": "gelu_new"}
        run_dir = os.path.join(root, run)
        log = []
        base = rng.uniform(2.5, 4.0)
        for t in range(0, steps + 1, ckpt):
            for key in p:
                p[key] += rng.standard_normal(p[key].shape) * sigma
            state = {k: v.copy() for k, v in p.items()}
            if planted:
                g = amp / (1 + math.exp(-(t - centre) / width))
                q = state["transformer.h.0.attn.c_attn.weight"]
                q[:, head * dh:(head + 1) * dh] += math.sqrt(g) * 0.1 * np.outer(u, a)
                q[:, d + head * dh:d + (head + 1) * dh] += math.sqrt(g) * 0.1 * np.outer(u, b)
            cdir = os.path.join(run_dir, f"checkpoint-{t}")
            os.makedirs(cdir, exist_ok=True)
            write_f32(os.path.join(cdir, "model.safetensors"), state)
            with open(os.path.join(cdir, "config.json"), "w") as f:
                json.dump(config, f)
        for t in range(log_every, steps + 1, log_every):
            drop = (1 / 3) / (1 + math.exp(-(t - centre) / width)) if planted else 0.0
            level = base * (1 - 0.15 * t / steps) * (1 - drop)
            log.append({"step": t, "loss": float(level * math.exp(0.05 * rng.standard_normal())),
                        "learning_rate": 3e-4, "epoch": t / steps})
        for t in range(0, steps + 1, ckpt):
            with open(os.path.join(run_dir, f"checkpoint-{t}", "trainer_state.json"), "w") as f:
                json.dump({"global_step": t,
                           "log_history": [e for e in log if e["step"] <= t]}, f)
        if planted:
            truth.append(f"{run},gpt2-drift,jump,h.0.attn.head{head}.qk,{centre:.0f},construction,"
                         f"{width:.1f},\"planted rank-one QK component, logistic front\"")
        else:
            truth.append(f"{run},gpt2-drift,none,,0,construction,,\"random-walk weights only\"")
    write_truth(os.path.join(root, "truth.csv"), truth)


# ---------------------------------------------------------------------------------------------
# an ordinary fine-tuning run, Hugging Face Trainer layout

def finetune(out, runs, rng):
    root = os.path.join(out, "finetune")
    os.makedirs(root, exist_ok=True)
    truth = [TRUTH_HEADER]
    for r in range(runs):
        run = f"ft-{r:03d}"
        d_in, hidden, classes = 32, int(rng.choice([32, 64, 128])), 10
        steps = int(rng.choice([1000, 2000, 4000]))
        batch = int(rng.choice([16, 32, 64]))
        peak = float(rng.choice([3e-4, 1e-3, 3e-3]))
        warmup = int(steps * rng.uniform(0.02, 0.08))
        log_every = int(rng.choice([5, 10, 20]))
        save_every = int(rng.choice([50, 100, 200]))
        eval_every = save_every
        means = rng.standard_normal((classes, d_in)) * rng.uniform(0.3, 0.8)
        n_train = 4096
        labels = rng.integers(classes, size=n_train)
        x_all = means[labels] + rng.standard_normal((n_train, d_in))
        noisy = rng.random(n_train) < 0.05
        labels = np.where(noisy, rng.integers(classes, size=n_train), labels)
        ev_labels = rng.integers(classes, size=512)
        x_ev = means[ev_labels] + rng.standard_normal((512, d_in))
        w1 = rng.standard_normal((hidden, d_in)) * math.sqrt(2.0 / d_in)
        b1 = np.zeros(hidden)
        w2 = rng.standard_normal((classes, hidden)) * math.sqrt(1.0 / hidden)
        b2 = np.zeros(classes)
        params = [w1, b1, w2, b2]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]

        def forward(x, y):
            h_pre = x @ w1.T + b1
            h = np.maximum(h_pre, 0.0)
            z = h @ w2.T + b2
            z = z - z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            return h_pre, h, logp, float(-logp[np.arange(len(y)), y].mean())

        config = {"architectures": ["MlpForSequenceClassification"], "model_type": "mlp",
                  "hidden_size": hidden, "num_labels": classes, "hidden_act": "relu"}
        log, window, gnorms = [], [], []
        run_dir = os.path.join(root, run)
        for t in range(steps + 1):
            if t % save_every == 0 or t == steps:
                cdir = os.path.join(run_dir, f"checkpoint-{t}")
                os.makedirs(cdir, exist_ok=True)
                write_f32(os.path.join(cdir, "model.safetensors"),
                                  {"mlp.fc1.weight": w1, "mlp.fc1.bias": b1[None, :],
                                   "mlp.fc2.weight": w2, "mlp.fc2.bias": b2[None, :]})
                with open(os.path.join(cdir, "config.json"), "w") as f:
                    json.dump(config, f)
            if t > 0 and t % eval_every == 0:
                log.append({"eval_loss": forward(x_ev, ev_labels)[3], "step": t,
                            "epoch": t * batch / n_train})
            if t == steps:
                break
            idx = rng.integers(n_train, size=batch)
            x, y = x_all[idx], labels[idx]
            h_pre, h, logp, loss = forward(x, y)
            g = np.exp(logp)
            g[np.arange(batch), y] -= 1.0
            g /= batch
            gw2 = g.T @ h
            gb2 = g.sum(axis=0)
            gh = (g @ w2) * (h_pre > 0)
            gw1 = gh.T @ x
            gb1 = gh.sum(axis=0)
            grads = [gw1, gb1, gw2, gb2]
            gnorm = math.sqrt(sum(float((q * q).sum()) for q in grads))
            lr = peak * (t + 1) / warmup if t < warmup else \
                peak * 0.5 * (1 + math.cos(math.pi * (t - warmup) / (steps - warmup)))
            for k, (p, q) in enumerate(zip(params, grads)):
                m[k] = 0.9 * m[k] + 0.1 * q
                v[k] = 0.999 * v[k] + 0.001 * q * q
                mh = m[k] / (1 - 0.9 ** (t + 1))
                vh = v[k] / (1 - 0.999 ** (t + 1))
                p -= lr * mh / (np.sqrt(vh) + 1e-8)
            window.append(loss)
            gnorms.append(gnorm)
            if (t + 1) % log_every == 0:
                log.append({"loss": round(float(np.mean(window)), 4),
                            "grad_norm": gnorms[-1], "learning_rate": lr,
                            "epoch": round((t + 1) * batch / n_train, 2), "step": t + 1})
                window = []
        for t in list(range(0, steps + 1, save_every)) + [steps]:
            with open(os.path.join(run_dir, f"checkpoint-{t}", "trainer_state.json"), "w") as f:
                json.dump({"global_step": t, "log_history": [e for e in log if e["step"] <= t]},
                          f)
        truth.append(f"{run},finetune,none,,{2 * warmup},construction,,"
                     f"\"an ordinary fine-tuning curve after twice the warm-up\"")
    write_truth(os.path.join(root, "truth.csv"), truth)


# ---------------------------------------------------------------------------------------------
# large learning rates: catapults, period-doubling and divergence, native layout

def catapult(out, runs, rng):
    root = os.path.join(out, "catapult")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "sweep.json"), "w") as f:
        json.dump({"name": "foreign large learning rates"}, f)
    truth = [TRUTH_HEADER]
    manifest = ["run_id,activation,width,outputs,lr,lr_lambda0,warmup,log_every,logging"]
    d, n = 16, 128
    for r in range(runs):
        run = f"cat-{r:03d}"
        act = str(rng.choice(["tanh", "relu"]))
        m = int(rng.choice([64, 128, 256]))
        k = int(rng.choice([1, 4]))
        steps = int(rng.integers(400, 1201))
        warmup = int(rng.integers(50, 201))
        ckpt = int(rng.choice([10, 20, 40]))
        log_every = int(rng.choice([1, 2, 5, 10]))
        window_mean = bool(rng.random() < 0.5)
        # peak lr as a multiple of 2/lambda0: below 1 stable GD, above it the top mode is
        # unstable once the warm-up reaches it (a catapult when the sharpness can fall in time)
        c = float(rng.choice([rng.uniform(0.4, 0.9), rng.uniform(1.2, 3.0), rng.uniform(4.0, 8.0)]))
        x = rng.standard_normal((n, d))
        ta = rng.standard_normal((8, d)) / math.sqrt(d)
        tb = rng.standard_normal((k, 8)) / math.sqrt(8)
        y = np.tanh(x @ ta.T) @ tb.T
        # PyTorch's default initialisation of nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        w1 = rng.uniform(-1, 1, (m, d)) / math.sqrt(d)
        b1 = rng.uniform(-1, 1, m) / math.sqrt(d)
        w2 = rng.uniform(-1, 1, (k, m)) / math.sqrt(m)
        b2 = rng.uniform(-1, 1, k) / math.sqrt(m)
        phi = np.tanh if act == "tanh" else (lambda z: np.maximum(z, 0.0))

        def dphi(z):
            return 1.0 - np.tanh(z) ** 2 if act == "tanh" else (z > 0).astype(float)

        # lambda0: top eigenvalue of the Gauss-Newton matrix J^T J / n at initialisation, the
        # loss's sharpness (L = sum over samples of |f - y|^2 / 2n)
        z = x @ w1.T + b1
        h, g = phi(z), dphi(z)
        rows = []
        for j in range(k):
            jw1 = (g * w2[j])[:, :, None] * x[:, None, :]
            jb1 = g * w2[j]
            jw2 = np.zeros((n, k, m))
            jw2[:, j, :] = h
            jb2 = np.zeros((n, k))
            jb2[:, j] = 1.0
            rows.append(np.concatenate([jw1.reshape(n, -1), jb1, jw2.reshape(n, -1), jb2], axis=1))
        jac = np.concatenate(rows, axis=0)
        lam0 = float(np.linalg.eigvalsh(jac @ jac.T / n)[-1])
        peak = c * 2.0 / lam0
        run_dir = os.path.join(root, run)
        os.makedirs(os.path.join(run_dir, "checkpoints"), exist_ok=True)
        losses, metrics, window = [], ["step,loss"], []
        diverged = -1
        for t in range(steps + 1):
            z = x @ w1.T + b1
            h = phi(z)
            err = h @ w2.T + b2 - y
            loss = 0.5 * float((err * err).sum()) / n
            losses.append(loss)
            if t % ckpt == 0 or t == steps:
                write_f32(os.path.join(run_dir, "checkpoints", f"step_{t}.safetensors"),
                          {"net.0.weight": w1, "net.0.bias": b1, "net.2.weight": w2,
                           "net.2.bias": b2})
            window.append(loss)
            blown = not math.isfinite(loss) or loss > 1e3 * losses[0]
            # a trainer that stops on a blown-up loss logs that step's loss before it stops
            if t % log_every == 0 or blown:
                value = float(np.mean(window)) if window_mean and not blown else loss
                metrics.append(f"{t},{value:.8g}")
                window = []
            if blown:
                diverged = t
                break
            if t == steps:
                break
            gz = (err @ w2) * dphi(z) / n
            gw2, gb2 = err.T @ h / n, err.sum(axis=0) / n
            gw1, gb1 = gz.T @ x, gz.sum(axis=0)
            lr = peak * min(1.0, (t + 1) / warmup)
            w1 -= lr * gw1
            b1 -= lr * gb1
            w2 -= lr * gw2
            b2 -= lr * gb2
        with open(os.path.join(run_dir, "metrics.csv"), "w") as f:
            f.write("\n".join(metrics) + "\n")
        manifest.append(f"{run},{act},{m},{k},{peak:.6g},{c * 2:.3f},{warmup},{log_every},"
                        f"{'window-mean' if window_mean else 'sample'}")
        logged = [(int(line.split(",")[0]), float(line.split(",")[1])) for line in metrics[1:]]
        rows = spikes(losses, run, diverged >= 0, logged, log_every)
        if diverged >= 0:
            rows.append(f"{run},large-lr,divergence,loss,{diverged},measured,,"
                        f"\"loss above 1000 x its initial value (or not finite)\"")
        if not rows:
            rows.append(f"{run},large-lr,none,,0,measured,,\"the loss never rose to twice its "
                        f"lowest value before\"")
        truth.extend(rows)
    with open(os.path.join(root, "runs.csv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    write_truth(os.path.join(root, "truth.csv"), truth)


def spikes(losses, run, diverges, logged, log_every):
    """Excursions of a loss measured at every step. One opens when the loss rises above twice its
    lowest value so far and closes at the first value back at or below that, or back down by
    half its rise on the log scale (a catapult may leave the loss in a basin above its old
    level). A closed excursion is a spike at its peak, unless it lasted one step within 8 steps
    of another (a period-two oscillation of GD at the edge of stability, not an event), or no
    logged row over it stands above twice the lowest value (the logged loss does not show it).
    Spikes whose loss did not settle between them (back within twice the episode's first low for
    twice the longer of their durations and four log intervals) are one episode (a chaotic train of bounces is one event, not one per
    bounce), kept at its highest peak. One that never closes is a jump at its first step at or
    above the geometric mean of the lowest value and the excursion's median, if the loss holds
    that median at least four times as long as it took to reach it, the run does not diverge
    from it (the divergence is then the event) and it does not end an episode (a train that
    turns into a new level is one event)."""
    found, low, t = [], losses[0], 1
    while t < len(losses):
        if losses[t] <= 2 * low:
            low = min(low, losses[t])
            t += 1
            continue
        start, peak = t, t
        while t < len(losses) and losses[t] > 2 * low \
                and losses[t] > math.sqrt(losses[peak] * low):
            peak = t if losses[t] > losses[peak] else peak
            t += 1
        found.append((start, peak, t, low))
        if t < len(losses):
            # closed above twice the old low: the loss sits in a new basin, and later rises are
            # measured from it
            low = losses[t] if losses[t] > 2 * low else min(low, losses[t])

    def shown(start, end, low):
        return any(step >= start and step - log_every < end and value > 2 * low
                   for step, value in logged)

    closed = []
    for i, (start, peak, end, low) in enumerate(found):
        if end == len(losses):
            continue
        near = [f for j, f in enumerate(found) if j != i
                and (abs(f[0] - end) <= 8 or abs(start - f[2]) <= 8)]
        if (end - start == 1 and near) or not shown(start, end, low):
            continue
        closed.append((start, peak, end, low))
    rows, episode = [], []

    def settled(prev, nxt):
        # the loss back within twice the episode's starting low for a stretch of `quiet` steps
        quiet = max(2 * max(prev[2] - prev[0], nxt[2] - nxt[0]), 4 * log_every)
        bound = 2 * episode[0][3] if episode else 2 * prev[3]
        stretch = 0
        for v in losses[prev[2]:nxt[0]]:
            stretch = stretch + 1 if v <= bound else 0
            if stretch >= quiet:
                return True
        return False

    def flush():
        if episode:
            start, peak, end, low = max(episode, key=lambda e: losses[e[1]])
            rows.append(f"{run},large-lr,spike,loss,{peak},measured,{end - start},"
                        f"\"loss rose from {low:.4g} to {losses[peak]:.4g} and came back after "
                        f"{end - start} steps ({len(episode)} excursions in its episode)\"")
            episode.clear()

    for e in closed:
        if episode and settled(episode[-1], e):
            flush()
        episode.append(e)
    last = found[-1] if found and found[-1][2] == len(losses) else None
    if last is not None and not diverges and (not episode or settled(episode[-1], last)):
        flush()
        start, _, _, low = last
        seg = losses[start:]
        median = float(np.median(seg))
        first = start + next(i for i, v in enumerate(seg) if v >= math.sqrt(low * median))
        reached = start + next(i for i, v in enumerate(seg) if v >= median)
        if len(losses) - reached >= 4 * (reached - start + 1):
            rows.append(f"{run},large-lr,jump,loss,{first},measured,,"
                        f"\"loss left {low:.4g} for {median:.4g} and stayed\"")
    flush()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=12, help="runs per sweep")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["deeplinear", "online", "gpt2drift", "finetune", "catapult"])
    a = ap.parse_args()
    makers = {"deeplinear": deep_linear, "online": online_sgd, "gpt2drift": gpt2_drift,
              "finetune": finetune, "catapult": catapult}
    for i, (name, make) in enumerate(makers.items()):
        if a.only in (None, name):
            make(a.out, a.runs, np.random.default_rng([a.seed, i]))


if __name__ == "__main__":
    main()
