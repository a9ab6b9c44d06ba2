package org.shockscope.symmetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.shockscope.io.DType;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorInfo;

/** Random checkpoints with the tensor names of the lab networks, GPT-2 and Llama. */
final class TestModels {
  private TestModels() {
  }

  static Tensor tensor(String name, double[] data, int... shape) {
    return new Tensor(name, DType.F64, shape, data);
  }

  static double[] gaussian(Random r, int n, double scale) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = scale * r.nextGaussian();
    }
    return x;
  }

  static Tensor random(Random r, String name, int... shape) {
    return tensor(name, gaussian(r, (int) Tensor.numel(shape), 1.0), shape);
  }

  static List<TensorInfo> infos(Map<String, Tensor> m) {
    List<TensorInfo> out = new ArrayList<>();
    for (Tensor t : m.values()) {
      out.add(TensorInfo.of(t));
    }
    return out;
  }

  static Map<String, Tensor> of(Tensor... ts) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Tensor t : ts) {
      m.put(t.name(), t);
    }
    return m;
  }

  /** The lab ReLU MLP: fc1.weight [h, in], fc1.bias, fc2.weight [out, h], fc2.bias. */
  static Map<String, Tensor> mlp(Random r, int in, int h, int out) {
    return of(random(r, "fc1.weight", h, in), random(r, "fc1.bias", h),
        random(r, "fc2.weight", out, h), random(r, "fc2.bias", out));
  }

  /** Two hidden layers: fc1 [h1, in], fc2 [h2, h1], fc3 [out, h2], with biases. */
  static Map<String, Tensor> deepMlp(Random r, int in, int h1, int h2, int out) {
    return of(random(r, "fc1.weight", h1, in), random(r, "fc1.bias", h1),
        random(r, "fc2.weight", h2, h1), random(r, "fc2.bias", h2),
        random(r, "fc3.weight", out, h2), random(r, "fc3.bias", out));
  }

  /** The lab deep linear chain: layers.l.weight [dims[l+1], dims[l]], no biases. */
  static Map<String, Tensor> linearChain(Random r, int... dims) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int l = 0; l + 1 < dims.length; l++) {
      Tensor t = random(r, "layers." + l + ".weight", dims[l + 1], dims[l]);
      m.put(t.name(), t);
    }
    return m;
  }

  /** conv1 [4,3,3,3] → conv2 [5,4,3,3] → flatten (5 channels × 4 positions) → fc [3, 20]. */
  static Map<String, Tensor> conv(Random r) {
    return of(random(r, "conv1.weight", 4, 3, 3, 3), random(r, "conv1.bias", 4),
        random(r, "conv2.weight", 5, 4, 3, 3), random(r, "conv2.bias", 5),
        random(r, "fc.weight", 3, 20), random(r, "fc.bias", 3));
  }

  /** A Llama block: GQA attention (H heads, G key/value heads, head dim d) and gated MLP. */
  static Map<String, Tensor> llama(Random r, int dModel, int heads, int kv, int d, int inter) {
    String p = "model.layers.0.";
    Map<String, Tensor> m = of(random(r, "model.embed_tokens.weight", 11, dModel),
        random(r, p + "input_layernorm.weight", dModel));
    AttentionParams a = AttentionParams.random(r, heads, kv, d, dModel, false);
    m.putAll(a.toLlama(p + "self_attn."));
    m.putAll(of(random(r, p + "mlp.gate_proj.weight", inter, dModel),
        random(r, p + "mlp.up_proj.weight", inter, dModel),
        random(r, p + "mlp.down_proj.weight", dModel, inter)));
    return m;
  }

  /** A GPT-2 block (Conv1D orientation): fused c_attn with bias, c_proj, MLP c_fc/c_proj. */
  static Map<String, Tensor> gpt2(Random r, int dModel, int heads) {
    String p = "transformer.h.0.";
    Map<String, Tensor> m = of(random(r, "transformer.wte.weight", 13, dModel),
        random(r, p + "ln_1.weight", dModel), random(r, p + "ln_1.bias", dModel));
    AttentionParams a = AttentionParams.random(r, heads, heads, dModel / heads, dModel, true);
    m.putAll(a.toGpt2(p + "attn."));
    m.put(p + "attn.c_proj.bias", random(r, p + "attn.c_proj.bias", dModel));
    m.putAll(of(random(r, p + "mlp.c_fc.weight", dModel, 4 * dModel),
        random(r, p + "mlp.c_fc.bias", 4 * dModel),
        random(r, p + "mlp.c_proj.weight", 4 * dModel, dModel),
        random(r, p + "mlp.c_proj.bias", dModel)));
    return m;
  }

  /** A copy whose tensors are the given one's plus independent noise of relative size eps. */
  static Map<String, Tensor> perturbed(Map<String, Tensor> m, Random r, double eps) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Tensor t : m.values()) {
      double[] x = t.data().clone();
      for (int i = 0; i < x.length; i++) {
        x[i] += eps * r.nextGaussian();
      }
      out.put(t.name(), new Tensor(t.name(), t.dtype(), t.shape(), x));
    }
    return out;
  }
}
