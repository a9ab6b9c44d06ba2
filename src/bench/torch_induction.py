#!/usr/bin/env python3
"""Trains two-layer attention-only causal transformers on repeated random token spans with
PyTorch (Adam) and writes them as a user's Hugging Face Trainer output would be: per run
`checkpoint-<N>/model.safetensors` with GPT-2 tensor names (fused `c_attn`, Conv1D layout),
`config.json`, and `trainer_state.json` whose `log_history` holds the training loss. Beside the
runs, `truth.csv` in shockscope's format: the induction-head phase change measured during
training (Olsson et al. 2022): the step where the loss on the repeated half of held-out
sequences falls halfway from its plateau to its final value, width from its 1/4 and 3/4
crossings.

    /usr/bin/python3 src/bench/torch_induction.py OUT --runs 3 --steps 1500

A check of the detector on transformer dynamics it was never tuned on (issue 12): analyse OUT
with `jobs/shockscope analyze --sweep OUT --out TABLES` and score with `evaluate`.
"""
import argparse
import json
import math
import os
import struct

import numpy as np
import torch


def write_safetensors(path, tensors):
    header = {}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32))
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


class AttnOnly(torch.nn.Module):
    def __init__(self, vocab, ctx, d, heads, layers):
        super().__init__()
        self.wte = torch.nn.Parameter(torch.randn(vocab, d) * 0.02)
        self.wpe = torch.nn.Parameter(torch.randn(ctx, d) * 0.02)
        # Conv1D layout as in GPT-2: x @ W, W of shape [in, out]
        self.c_attn = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.randn(d, 3 * d) * 0.02) for _ in range(layers)])
        self.c_attn_b = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.zeros(3 * d)) for _ in range(layers)])
        self.c_proj = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.randn(d, d) * 0.02 / math.sqrt(2 * layers))
             for _ in range(layers)])
        self.c_proj_b = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.zeros(d)) for _ in range(layers)])
        self.lm_head = torch.nn.Parameter(torch.randn(vocab, d) * 0.02)
        self.heads = heads
        self.d = d

    def forward(self, idx):
        b, t = idx.shape
        x = self.wte[idx] + self.wpe[:t]
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        hd = self.d // self.heads
        for w, wb, p, pb in zip(self.c_attn, self.c_attn_b, self.c_proj, self.c_proj_b):
            q, k, v = (x @ w + wb).split(self.d, dim=2)
            q = q.view(b, t, self.heads, hd).transpose(1, 2)
            k = k.view(b, t, self.heads, hd).transpose(1, 2)
            v = v.view(b, t, self.heads, hd).transpose(1, 2)
            a = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
            a = a.masked_fill(mask, float("-inf")).softmax(-1)
            y = (a @ v).transpose(1, 2).reshape(b, t, self.d)
            x = x + y @ p + pb
        return x @ self.lm_head.T

    def state(self):
        out = {"transformer.wte.weight": self.wte, "transformer.wpe.weight": self.wpe,
               "lm_head.weight": self.lm_head}
        for i in range(len(self.c_attn)):
            out[f"transformer.h.{i}.attn.c_attn.weight"] = self.c_attn[i]
            out[f"transformer.h.{i}.attn.c_attn.bias"] = self.c_attn_b[i]
            out[f"transformer.h.{i}.attn.c_proj.weight"] = self.c_proj[i]
            out[f"transformer.h.{i}.attn.c_proj.bias"] = self.c_proj_b[i]
        return out


def batch(gen, n, span, vocab):
    first = torch.randint(0, vocab, (n, span), generator=gen)
    return torch.cat([first, first], dim=1)


def repeat_loss(model, seqs, span):
    with torch.no_grad():
        logits = model(seqs[:, :-1])
        loss = torch.nn.functional.cross_entropy(
            logits[:, span:].reshape(-1, logits.shape[-1]), seqs[:, span + 1:].reshape(-1))
    return float(loss)


def crossing(steps, values, level):
    for i in range(1, len(values)):
        if values[i] <= level < values[i - 1]:
            f = (values[i - 1] - level) / (values[i - 1] - values[i])
            return steps[i - 1] + f * (steps[i] - steps[i - 1])
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--checkpoint-every", type=int, default=25)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--vocab", type=int, default=24)
    ap.add_argument("--span", type=int, default=12)
    ap.add_argument("--d-model", type=int, default=32)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1000,
                    help="run r draws its initialisation from seed + r (default 1000, the runs "
                         "of the figures in src/bench/README.md)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    truth = ["run_id,family,kind,series,step,source,width,detail"]
    for r in range(args.runs):
        run = f"induction-{r}"
        torch.manual_seed(args.seed + r)
        gen = torch.Generator().manual_seed(args.seed + 1000 + r)
        held = batch(torch.Generator().manual_seed(args.seed + 8000 + r), 256, args.span,
                     args.vocab)
        model = AttnOnly(args.vocab, 2 * args.span, args.d_model, args.heads, 2)
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        log, eval_steps, eval_loss = [], [], []
        config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
                  "vocab_size": args.vocab, "n_positions": 2 * args.span,
                  "n_embd": args.d_model, "n_layer": 2, "n_head": args.heads,
                  "n_inner": None, "activation_function": "gelu_new"}
        for step in range(args.steps + 1):
            if step % args.checkpoint_every == 0:
                d = os.path.join(args.out, run, f"checkpoint-{step}")
                os.makedirs(d, exist_ok=True)
                write_safetensors(os.path.join(d, "model.safetensors"), model.state())
                with open(os.path.join(d, "config.json"), "w") as f:
                    json.dump(config, f)
            if step % 5 == 0:
                eval_steps.append(step)
                eval_loss.append(repeat_loss(model, held, args.span))
            if step == args.steps:
                break
            seqs = batch(gen, args.batch, args.span, args.vocab)
            logits = model(seqs[:, :-1])
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, args.vocab), seqs[:, 1:].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            if (step + 1) % args.log_every == 0:
                log.append({"step": step + 1, "loss": float(loss),
                            "learning_rate": args.lr, "epoch": 0.0})
        last = os.path.join(args.out, run, f"checkpoint-{args.steps}")
        state = {"global_step": args.steps, "log_history": log}
        for s in range(0, args.steps + 1, args.checkpoint_every):
            with open(os.path.join(args.out, run, f"checkpoint-{s}", "trainer_state.json"),
                      "w") as f:
                json.dump({"global_step": s,
                           "log_history": [e for e in log if e["step"] <= s]}, f)
        with open(os.path.join(last, "trainer_state.json"), "w") as f:
            json.dump(state, f)
        plateau = max(eval_loss[: max(1, len(eval_loss) // 10)])
        final = float(np.median(eval_loss[-max(1, len(eval_loss) // 20):]))
        mid = crossing(eval_steps, eval_loss, 0.5 * (plateau + final))
        q1 = crossing(eval_steps, eval_loss, plateau - 0.25 * (plateau - final))
        q3 = crossing(eval_steps, eval_loss, plateau - 0.75 * (plateau - final))
        print(f"{run}: repeated-half loss {plateau:.3f} -> {final:.3f}, half at {mid:.0f}, "
              f"1/4 at {q1:.0f}, 3/4 at {q3:.0f}")
        truth.append(f"{run},induction,jump,loss,{mid:.0f},measured,{q3 - q1:.1f},"
                     f"\"repeated-half loss {plateau:.4f} -> {final:.4f}, halfway crossing\"")
    with open(os.path.join(args.out, "truth.csv"), "w") as f:
        f.write("\n".join(truth) + "\n")


if __name__ == "__main__":
    main()
