package org.shockscope.report;

import java.util.ArrayList;
import java.util.List;
import org.shockscope.io.DType;
import org.shockscope.io.TensorInfo;
import org.shockscope.symmetry.ModelDescription;
import org.shockscope.symmetry.StructureInference;

/**
 * Structure JSON as the reduction records it in {@code runs.structure}: inferred by
 * {@link StructureInference} from tensor names and shapes and described by
 * {@code SymmetryStructure.describe()}, so that report tests read the real format.
 */
final class RecordedStructures {
  private RecordedStructures() {}

  /** A two-layer MLP {@code fc1 → activation → fc2}, with or without a hidden bias. */
  static String mlp(int in, int hidden, int out, String activation, boolean bias) {
    List<TensorInfo> t = new ArrayList<>();
    t.add(info("fc1.weight", hidden, in));
    if (bias) {
      t.add(info("fc1.bias", hidden));
    }
    t.add(info("fc2.weight", out, hidden));
    return StructureInference.infer(t, ModelDescription.preset("mlp")
        .withActivationHint(activation)).describe();
  }

  /** A deep linear chain {@code layers.k.weight} through the given dimensions (input first). */
  static String linearChain(int... dims) {
    List<TensorInfo> t = new ArrayList<>();
    for (int k = 0; k + 1 < dims.length; k++) {
      t.add(info("layers." + k + ".weight", dims[k + 1], dims[k]));
    }
    return StructureInference.infer(t, ModelDescription.preset("deep-linear")).describe();
  }

  /**
   * An attention-only GPT-2 ({@code transformer.h.k.attn} with fused {@code c_attn}, Conv1D
   * layout) of {@code layers} layers with token and position embeddings and an output head.
   */
  static String gpt2AttentionOnly(int layers, int heads, int dModel, int vocab) {
    List<TensorInfo> t = new ArrayList<>();
    t.add(info("transformer.wte.weight", vocab, dModel));
    t.add(info("transformer.wpe.weight", 24, dModel));
    for (int k = 0; k < layers; k++) {
      String p = "transformer.h." + k + ".attn.";
      t.add(info(p + "c_attn.weight", dModel, 3 * dModel));
      t.add(info(p + "c_proj.weight", dModel, dModel));
    }
    t.add(info("lm_head.weight", vocab, dModel));
    return StructureInference.infer(t, ModelDescription.preset("gpt2")
        .withHfConfig("{\"model_type\":\"gpt2\",\"n_head\":" + heads + "}")).describe();
  }

  private static TensorInfo info(String name, int... shape) {
    return new TensorInfo(name, DType.F32, shape);
  }
}
