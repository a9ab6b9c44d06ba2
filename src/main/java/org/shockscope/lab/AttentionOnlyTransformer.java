package org.shockscope.lab;

import java.util.Arrays;
import java.util.Random;

/**
 * A causal attention-only transformer with GPT-2's tensor names and Conv1D layout
 * (y = x·W + b, W of shape [in, out]), no layer norm and no MLP, as in Elhage et al., "A
 * Mathematical Framework for Transformer Circuits" (2021) and Olsson et al., "In-context
 * Learning and Induction Heads" (2022):
 * <pre>
 * x⁰_t = wte[tok_t] + wpe[t]
 * [q k v]_t = xˡ_t·c_attnˡ + bˡ            (each d wide; head h uses columns h·d_h … (h+1)·d_h − 1)
 * a^h_tu = softmax_{u ≤ t}(q^h_t·k^h_u / √d_h)
 * x^{l+1}_t = xˡ_t + (Σ_u a_tu v_u)·c_projˡ + c_proj_bˡ
 * logits_t = x^L_t·lm_headᵀ
 * </pre>
 * and the mean cross-entropy of predicting token t + 1 from logits_t. Forward and backward
 * passes are exact (hand-derived reverse mode), one sequence at a time, in workspaces sized once.
 */
final class AttentionOnlyTransformer {
  final ParameterSet params;
  private final int vocab;
  private final int positions;
  private final int d;
  private final int heads;
  private final int hd;
  private final int layers;
  private final double[] wte;
  private final double[] wpe;
  private final double[][] attnW;
  private final double[][] attnB;
  private final double[][] projW;
  private final double[][] projB;
  private final double[] head;
  /** Residual streams x⁰ … x^L of the current sequence, each positions×d. */
  private final double[][] x;
  /** q, k, v of each layer (positions×3d), attention weights (heads×positions×positions) and
   * head outputs (positions×d) of the current sequence. */
  private final double[][] qkv;
  private final double[][] att;
  private final double[][] mixed;
  private final double[] probs;
  /** Backward workspaces. */
  private final double[] dx;
  private final double[] dmixed;
  private final double[] dqkv;
  private final double[] dscore;

  /**
   * A model with N(0, std²) weights (c_proj scaled by 1/√(2L), as GPT-2 does) and zero biases.
   *
   * @param positions the longest sequence (rows of wpe)
   */
  AttentionOnlyTransformer(Random rng, int vocab, int positions, int d, int heads, int layers,
                           double std) {
    if (d % heads != 0) {
      throw new LabException("attention: d_model " + d + " is not a multiple of heads " + heads);
    }
    this.vocab = vocab;
    this.positions = positions;
    this.d = d;
    this.heads = heads;
    this.hd = d / heads;
    this.layers = layers;
    this.wte = SeedStreams.gaussian(rng, vocab * d, std);
    this.wpe = SeedStreams.gaussian(rng, positions * d, std);
    this.attnW = new double[layers][];
    this.attnB = new double[layers][];
    this.projW = new double[layers][];
    this.projB = new double[layers][];
    for (int l = 0; l < layers; l++) {
      attnW[l] = SeedStreams.gaussian(rng, d * 3 * d, std);
      attnB[l] = new double[3 * d];
      projW[l] = SeedStreams.gaussian(rng, d * d, std / Math.sqrt(2.0 * layers));
      projB[l] = new double[d];
    }
    this.head = SeedStreams.gaussian(rng, vocab * d, std);
    this.params = new ParameterSet()
        .trained("transformer.wte.weight", new int[] {vocab, d}, wte)
        .trained("transformer.wpe.weight", new int[] {positions, d}, wpe);
    for (int l = 0; l < layers; l++) {
      String p = "transformer.h." + l + ".attn.";
      params.trained(p + "c_attn.weight", new int[] {d, 3 * d}, attnW[l])
          .trained(p + "c_attn.bias", new int[] {3 * d}, attnB[l])
          .trained(p + "c_proj.weight", new int[] {d, d}, projW[l])
          .trained(p + "c_proj.bias", new int[] {d}, projB[l]);
    }
    params.trained("lm_head.weight", new int[] {vocab, d}, head);
    this.x = new double[layers + 1][positions * d];
    this.qkv = new double[layers][positions * 3 * d];
    this.att = new double[layers][heads * positions * positions];
    this.mixed = new double[layers][positions * d];
    this.probs = new double[positions * vocab];
    this.dx = new double[positions * d];
    this.dmixed = new double[positions * d];
    this.dqkv = new double[positions * 3 * d];
    this.dscore = new double[positions];
  }

  int layers() {
    return layers;
  }

  int heads() {
    return heads;
  }

  /**
   * Runs sequence {@code tok[0 … len]} (len + 1 tokens; the model reads the first len and
   * predicts tokens 1 … len), leaving activations and softmax probabilities for
   * {@link #backward} and {@link #attention}.
   *
   * @param perPosition output: the cross-entropy of each predicted position (length ≥ len)
   */
  void forward(int[] tok, int len, double[] perPosition) {
    if (len > positions || tok.length < len + 1) {
      throw new IllegalArgumentException("sequence of " + len + " positions (+1 target) with "
          + tok.length + " tokens, model has " + positions + " positions");
    }
    double[] x0 = x[0];
    for (int t = 0; t < len; t++) {
      int e = tok[t] * d;
      for (int c = 0; c < d; c++) {
        x0[t * d + c] = wte[e + c] + wpe[t * d + c];
      }
    }
    double scale = 1 / Math.sqrt(hd);
    int d3 = 3 * d;
    for (int l = 0; l < layers; l++) {
      double[] in = x[l];
      double[] out = x[l + 1];
      double[] w = attnW[l];
      double[] q = qkv[l];
      for (int t = 0; t < len; t++) {
        System.arraycopy(attnB[l], 0, q, t * d3, d3);
        for (int i = 0; i < d; i++) {
          double xi = in[t * d + i];
          int row = i * d3;
          int o = t * d3;
          for (int j = 0; j < d3; j++) {
            q[o + j] += xi * w[row + j];
          }
        }
      }
      double[] a = att[l];
      double[] y = mixed[l];
      Arrays.fill(y, 0, len * d, 0);
      for (int h = 0; h < heads; h++) {
        int qo = h * hd;
        int ko = d + h * hd;
        int vo = 2 * d + h * hd;
        for (int t = 0; t < len; t++) {
          int ao = (h * positions + t) * positions;
          double max = Double.NEGATIVE_INFINITY;
          for (int u = 0; u <= t; u++) {
            double s = 0;
            for (int j = 0; j < hd; j++) {
              s += q[t * d3 + qo + j] * q[u * d3 + ko + j];
            }
            s *= scale;
            a[ao + u] = s;
            max = Math.max(max, s);
          }
          double sum = 0;
          for (int u = 0; u <= t; u++) {
            double e = Math.exp(a[ao + u] - max);
            a[ao + u] = e;
            sum += e;
          }
          for (int u = 0; u <= t; u++) {
            double p = a[ao + u] / sum;
            a[ao + u] = p;
            for (int j = 0; j < hd; j++) {
              y[t * d + qo + j] += p * q[u * d3 + vo + j];
            }
          }
        }
      }
      double[] pw = projW[l];
      for (int t = 0; t < len; t++) {
        for (int c = 0; c < d; c++) {
          out[t * d + c] = in[t * d + c] + projB[l][c];
        }
        for (int i = 0; i < d; i++) {
          double yi = y[t * d + i];
          int row = i * d;
          for (int c = 0; c < d; c++) {
            out[t * d + c] += yi * pw[row + c];
          }
        }
      }
    }
    double[] top = x[layers];
    for (int t = 0; t < len; t++) {
      int po = t * vocab;
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocab; v++) {
        double z = 0;
        for (int c = 0; c < d; c++) {
          z += top[t * d + c] * head[v * d + c];
        }
        probs[po + v] = z;
        max = Math.max(max, z);
      }
      double sum = 0;
      for (int v = 0; v < vocab; v++) {
        double e = Math.exp(probs[po + v] - max);
        probs[po + v] = e;
        sum += e;
      }
      for (int v = 0; v < vocab; v++) {
        probs[po + v] /= sum;
      }
      int target = tok[t + 1];
      // log-sum-exp form, finite even when the target's probability underflows
      double zt = 0;
      for (int c = 0; c < d; c++) {
        zt += top[t * d + c] * head[target * d + c];
      }
      perPosition[t] = max + Math.log(sum) - zt;
    }
  }

  /**
   * Adds to {@code grads} (same order as {@link ParameterSet#trained()}) the gradient of
   * Σ_t weight·CE_t over the positions of the last {@link #forward} call.
   *
   * @param weight the factor of every position's cross-entropy (1 / (batch·len) for the mean)
   */
  void backward(int[] tok, int len, double weight, double[][] grads) {
    int d3 = 3 * d;
    double[] top = x[layers];
    double[] gHead = grads[grads.length - 1];
    // d loss / d logits = weight·(p − onehot), then into lm_head and the last stream
    Arrays.fill(dx, 0, len * d, 0);
    for (int t = 0; t < len; t++) {
      int target = tok[t + 1];
      for (int v = 0; v < vocab; v++) {
        double g = weight * (probs[t * vocab + v] - (v == target ? 1 : 0));
        if (g == 0) {
          continue;
        }
        for (int c = 0; c < d; c++) {
          gHead[v * d + c] += g * top[t * d + c];
          dx[t * d + c] += g * head[v * d + c];
        }
      }
    }
    double scale = 1 / Math.sqrt(hd);
    for (int l = layers - 1; l >= 0; l--) {
      int gi = 2 + 4 * l;
      double[] gW = grads[gi];
      double[] gB = grads[gi + 1];
      double[] gPW = grads[gi + 2];
      double[] gPB = grads[gi + 3];
      double[] in = x[l];
      double[] y = mixed[l];
      double[] pw = projW[l];
      double[] q = qkv[l];
      double[] a = att[l];
      // x^{l+1} = x^l + y·P + pb: dx passes through; dP, dpb, dy
      for (int t = 0; t < len; t++) {
        for (int i = 0; i < d; i++) {
          double yi = y[t * d + i];
          int row = i * d;
          double s = 0;
          for (int c = 0; c < d; c++) {
            double g = dx[t * d + c];
            gPW[row + c] += yi * g;
            s += pw[row + c] * g;
          }
          dmixed[t * d + i] = s;
        }
        for (int c = 0; c < d; c++) {
          gPB[c] += dx[t * d + c];
        }
      }
      Arrays.fill(dqkv, 0, len * d3, 0);
      for (int h = 0; h < heads; h++) {
        int qo = h * hd;
        int ko = d + h * hd;
        int vo = 2 * d + h * hd;
        for (int t = 0; t < len; t++) {
          int ao = (h * positions + t) * positions;
          // dA_tu = dy_t·v_u, dv_u += a_tu dy_t; softmax backward into the scores
          double dot = 0;
          for (int u = 0; u <= t; u++) {
            double p = a[ao + u];
            double s = 0;
            for (int j = 0; j < hd; j++) {
              double g = dmixed[t * d + qo + j];
              s += g * q[u * d3 + vo + j];
              dqkv[u * d3 + vo + j] += p * g;
            }
            dscore[u] = s;
            dot += p * s;
          }
          for (int u = 0; u <= t; u++) {
            double ds = a[ao + u] * (dscore[u] - dot) * scale;
            if (ds == 0) {
              continue;
            }
            for (int j = 0; j < hd; j++) {
              dqkv[t * d3 + qo + j] += ds * q[u * d3 + ko + j];
              dqkv[u * d3 + ko + j] += ds * q[t * d3 + qo + j];
            }
          }
        }
      }
      // qkv = x^l·W + b
      for (int t = 0; t < len; t++) {
        int o = t * d3;
        for (int j = 0; j < d3; j++) {
          gB[j] += dqkv[o + j];
        }
        for (int i = 0; i < d; i++) {
          double xi = in[t * d + i];
          int row = i * d3;
          double s = 0;
          double[] w = attnW[l];
          for (int j = 0; j < d3; j++) {
            double g = dqkv[o + j];
            gW[row + j] += xi * g;
            s += w[row + j] * g;
          }
          dx[t * d + i] += s;
        }
      }
    }
    double[] gWte = grads[0];
    double[] gWpe = grads[1];
    for (int t = 0; t < len; t++) {
      int e = tok[t] * d;
      for (int c = 0; c < d; c++) {
        gWte[e + c] += dx[t * d + c];
        gWpe[t * d + c] += dx[t * d + c];
      }
    }
  }

  /** The attention weight a^h_{tu} of layer {@code l} in the last {@link #forward} call. */
  double attention(int l, int h, int t, int u) {
    return att[l][(h * positions + t) * positions + u];
  }
}
