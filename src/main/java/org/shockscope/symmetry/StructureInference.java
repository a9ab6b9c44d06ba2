package org.shockscope.symmetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.shockscope.NaturalOrder;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorInfo;

/**
 * Builds the {@link SymmetryStructure} of a checkpoint from its tensor names and shapes and a
 * {@link ModelDescription} (SPEC §3 "Model structure"), in this order:
 * <ol>
 *   <li>explicit groups of the description ({@link SymmetryGroup#describe()} format);</li>
 *   <li>attention layers: Llama-style {@code q_proj/k_proj/v_proj/o_proj} siblings (grouped
 *       query attention when {@code kv_heads} &lt; heads) and GPT-2 fused {@code c_attn} +
 *       {@code c_proj} ({@code Conv1D} [D, 3D] or linear [3D, D] orientation); without a head
 *       count they are analysed as plain matrices and a note says so;</li>
 *   <li>MLP blocks: Llama {@code gate_proj/up_proj/down_proj} (gated) and GPT-2
 *       {@code c_fc/c_proj} (activation from the config, GELU by default: permutations);</li>
 *   <li>chains of weights (names ending in {@code weight}, or without a dot) taken in natural
 *       name order within the same parent module, linked when each one consumes the previous
 *       one's output: 2-D {@code [out, in]} weights with equal inner dimensions, conv kernels
 *       {@code [c_out, c_in, k…]} with equal channel counts, and a linear layer after a conv
 *       when its input is a whole multiple of the channels (channel-major flatten). Hidden biases
 *       are the {@code bias} siblings. The activation (description, then hint, then preset:
 *       {@code deep-linear} → linear, otherwise unknown) decides the group: linear bias-free 2-D
 *       chains → GL(h) chains, otherwise neuron groups;</li>
 *   <li>every tensor left over: a plain group.</li>
 * </ol>
 * Group names: the common module prefix of a chain's weights ({@code layers}), else its first
 * module ({@code fc1}); attention and MLP blocks are named after their module.
 */
public final class StructureInference {

  private StructureInference() {
  }

  /**
   * The structure of a checkpoint.
   *
   * @param tensors     its tensors (name, dtype, shape)
   * @param description what is known beforehand ({@link ModelDescription#none()} if nothing)
   * @throws StructureMismatchException when an explicit description does not fit the tensors
   */
  public static SymmetryStructure infer(List<TensorInfo> tensors, ModelDescription description) {
    return new Builder(tensors, description).build();
  }

  private static final class Builder {
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();
    private final ModelDescription desc;
    private final Set<String> claimed = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final List<SymmetryGroup> groups = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Boolean conv1dModel;

    Builder(List<TensorInfo> tensors, ModelDescription desc) {
      for (TensorInfo t : tensors) {
        if (byName.put(t.name(), t) != null) {
          throw new StructureMismatchException("checkpoint lists tensor '" + t.name() + "' twice");
        }
      }
      this.desc = desc == null ? ModelDescription.none() : desc;
    }

    SymmetryStructure build() {
      if (desc.preset() != null) {
        notes.add("preset " + desc.preset());
      }
      for (Map<String, Object> spec : desc.groups()) {
        explicit(spec);
      }
      llamaAttention();
      gpt2Attention();
      gatedMlps();
      gpt2Mlps();
      chains();
      for (TensorInfo t : byName.values()) {
        if (!claimed.contains(t.name())) {
          add(new PlainGroup(t));
        }
      }
      return new SymmetryStructure(groups, notes);
    }

    // ---- explicit descriptions ---------------------------------------------------------

    private void explicit(Map<String, Object> spec) {
      String kind = string(spec, "kind", true);
      String name = string(spec, "name", false);
      try {
        switch (kind) {
          case "mlp":
          case "conv": {
            List<TensorInfo> w = tensorList(spec, "weights", true);
            List<TensorInfo> b = tensorList(spec, "biases", false);
            boolean conv1d = "conv1d".equals(string(spec, "layout", false));
            String act = string(spec, "activation", false);
            Activation a = act != null ? Activation.parse(act) : chainActivation();
            // "unknown" (how a described chain without a declared activation reads back) declares
            // nothing
            boolean declared = act != null
                && !Activation.UNKNOWN.label().equalsIgnoreCase(act.trim())
                || activationDeclared();
            addChain(name, w, hiddenBiases(w, b), a, declared, conv1d, kind);
            break;
          }
          case "linear_chain":
            addChain(name, tensorList(spec, "weights", true), null, Activation.LINEAR, true, false,
                "linear_chain");
            break;
          case "gated_mlp":
            addGated(name, require(string(spec, "gate", true)), require(string(spec, "up", true)),
                require(string(spec, "down", true)), optional(string(spec, "up_bias", false)),
                optional(string(spec, "gate_bias", false)), string(spec, "activation", false));
            break;
          case "attention":
            explicitAttention(name, spec);
            break;
          case "plain":
            add(new PlainGroup(claim(require(string(spec, "tensor", true)))));
            break;
          default:
            throw new StructureMismatchException("model description: unknown group kind '" + kind
                + "' (mlp, conv, linear_chain, gated_mlp, attention, plain)");
        }
      } catch (IllegalArgumentException e) {
        throw new StructureMismatchException("model description: group " + (name == null ? kind : "'"
            + name + "'") + " does not fit the checkpoint: " + e.getMessage());
      }
    }

    private void explicitAttention(String name, Map<String, Object> spec) {
      Integer heads = integer(spec, "heads");
      if (heads == null) {
        heads = desc.heads();
      }
      if (heads == null) {
        throw new StructureMismatchException("model description: attention group "
            + (name == null ? "" : "'" + name + "' ") + "needs 'heads'");
      }
      Integer kv = integer(spec, "kv_heads");
      Integer hd = integer(spec, "head_dim");
      String o = string(spec, "o", true);
      if (spec.containsKey("qkv")) {
        TensorInfo qkv = require(string(spec, "qkv", true));
        String layout = string(spec, "layout", false);
        boolean conv1d = layout == null ? qkv.shape().length == 2 && qkv.shape()[1] > qkv.shape()[0]
            : layout.equals("fused_conv1d") || layout.equals("conv1d");
        addFused(name, qkv, optional(string(spec, "qkv_bias", false)), require(o), heads,
            kv != null ? kv : heads, hd, conv1d);
      } else {
        addSeparate(name, require(string(spec, "q", true)), require(string(spec, "k", true)),
            require(string(spec, "v", true)), require(o),
            optional(string(spec, "q_bias", false)), optional(string(spec, "k_bias", false)),
            optional(string(spec, "v_bias", false)), heads, kv != null ? kv : heads, hd);
      }
    }

    // ---- attention -------------------------------------------------------------------------

    private void llamaAttention() {
      for (TensorInfo t : List.copyOf(byName.values())) {
        String n = t.name();
        if (claimed.contains(n) || !n.endsWith("q_proj.weight")) {
          continue;
        }
        String prefix = n.substring(0, n.length() - "q_proj.weight".length());
        TensorInfo k = free(prefix + "k_proj.weight");
        TensorInfo v = free(prefix + "v_proj.weight");
        TensorInfo o = free(prefix + "o_proj.weight");
        if (k == null || v == null || o == null) {
          continue;
        }
        String name = moduleName(prefix, "attention");
        if (desc.heads() == null) {
          notes.add("attention '" + name + "' analysed as plain matrices: number of heads unknown"
              + " (give num_attention_heads in config.json or 'heads' in the model description)");
          for (TensorInfo x : List.of(t, k, v, o)) {
            add(new PlainGroup(claim(x)));
          }
          continue;
        }
        int heads = desc.heads();
        try {
          addSeparate(name, t, k, v, o, free(prefix + "q_proj.bias"), free(prefix + "k_proj.bias"),
              free(prefix + "v_proj.bias"), heads, desc.kvHeads() != null ? desc.kvHeads() : heads,
              desc.headDim());
        } catch (IllegalArgumentException e) {
          notes.add("attention '" + name + "' analysed as plain matrices: " + e.getMessage());
        }
      }
    }

    private void gpt2Attention() {
      for (TensorInfo t : List.copyOf(byName.values())) {
        String n = t.name();
        if (claimed.contains(n) || !n.endsWith("c_attn.weight") || t.shape().length != 2) {
          continue;
        }
        String prefix = n.substring(0, n.length() - "c_attn.weight".length());
        TensorInfo o = free(prefix + "c_proj.weight");
        if (o == null) {
          continue;
        }
        String name = moduleName(prefix, "attention");
        boolean conv1d = t.shape()[1] > t.shape()[0];
        conv1dModel = conv1d;
        if (desc.heads() == null) {
          notes.add("attention '" + name + "' analysed as plain matrices: number of heads unknown"
              + " (give n_head in config.json or 'heads' in the model description)");
          add(new PlainGroup(claim(t)));
          add(new PlainGroup(claim(o)));
          continue;
        }
        int heads = desc.heads();
        try {
          addFused(name, t, free(prefix + "c_attn.bias"), o, heads,
              desc.kvHeads() != null ? desc.kvHeads() : heads, desc.headDim(), conv1d);
        } catch (IllegalArgumentException e) {
          notes.add("attention '" + name + "' analysed as plain matrices: " + e.getMessage());
        }
      }
    }

    private void addSeparate(String name, TensorInfo q, TensorInfo k, TensorInfo v, TensorInfo o,
                             TensorInfo qb, TensorInfo kb, TensorInfo vb, int heads, int kv,
                             Integer headDim) {
      requireMatrix(q);
      int dModel = q.shape()[1];
      int d = headDim != null ? headDim : q.shape()[0] / heads;
      List<TensorInfo> ts = new ArrayList<>(List.of(q, k, v, o));
      int iqb = biasIndex(ts, qb);
      int ikb = biasIndex(ts, kb);
      int ivb = biasIndex(ts, vb);
      AttentionGroup g = new AttentionGroup(unique(name == null ? "attention" : name), "separate",
          ts, heads, kv, d, dModel, new HeadProjection(0, true, 0, iqb, 0),
          new HeadProjection(1, true, 0, ikb, 0), new HeadProjection(2, true, 0, ivb, 0),
          new HeadProjection(3, false, 0, -1, 0));
      claimAll(ts);
      add(g);
    }

    private void addFused(String name, TensorInfo qkv, TensorInfo bias, TensorInfo o, int heads,
                          int kv, Integer headDim, boolean conv1d) {
      requireMatrix(qkv);
      int dModel = conv1d ? qkv.shape()[0] : qkv.shape()[1];
      int d = headDim != null ? headDim : dModel / heads;
      List<TensorInfo> ts = new ArrayList<>(List.of(qkv, o));
      int ib = biasIndex(ts, bias);
      int kOff = heads * d;
      int vOff = kOff + kv * d;
      AttentionGroup g = new AttentionGroup(unique(name == null ? "attention" : name),
          conv1d ? "fused_conv1d" : "fused_linear", ts, heads, kv, d, dModel,
          new HeadProjection(0, !conv1d, 0, ib, 0), new HeadProjection(0, !conv1d, kOff, ib, kOff),
          new HeadProjection(0, !conv1d, vOff, ib, vOff), new HeadProjection(1, conv1d, 0, -1, 0));
      claimAll(ts);
      add(g);
    }

    private static int biasIndex(List<TensorInfo> ts, TensorInfo bias) {
      if (bias == null) {
        return -1;
      }
      ts.add(bias);
      return ts.size() - 1;
    }

    // ---- MLP blocks ------------------------------------------------------------------------

    private void gatedMlps() {
      for (TensorInfo t : List.copyOf(byName.values())) {
        String n = t.name();
        if (claimed.contains(n) || !n.endsWith("gate_proj.weight")) {
          continue;
        }
        String prefix = n.substring(0, n.length() - "gate_proj.weight".length());
        TensorInfo up = free(prefix + "up_proj.weight");
        TensorInfo down = free(prefix + "down_proj.weight");
        if (up == null || down == null) {
          continue;
        }
        try {
          addGated(moduleName(prefix, "mlp"), t, up, down, free(prefix + "up_proj.bias"),
              free(prefix + "gate_proj.bias"), desc.modelActivation());
        } catch (IllegalArgumentException e) {
          notes.add("gated MLP '" + moduleName(prefix, "mlp") + "' analysed as plain matrices: "
              + e.getMessage());
        }
      }
    }

    private void addGated(String name, TensorInfo gate, TensorInfo up, TensorInfo down,
                          TensorInfo upBias, TensorInfo gateBias, String activation) {
      requireMatrix(gate);
      requireMatrix(up);
      requireMatrix(down);
      int width = up.shape()[0];
      int dIn = up.shape()[1];
      if (!Arrays.equals(gate.shape(), up.shape()) || down.shape()[1] != width) {
        throw new IllegalArgumentException("gate " + Arrays.toString(gate.shape()) + ", up "
            + Arrays.toString(up.shape()) + " and down " + Arrays.toString(down.shape())
            + " do not form a gated MLP");
      }
      List<TensorInfo> ts = new ArrayList<>(List.of(gate, up, down));
      List<NeuronAxis> in = new ArrayList<>(List.of(new NeuronAxis(1, 1, width, dIn)));
      List<NeuronAxis> gateAxes = new ArrayList<>(List.of(new NeuronAxis(0, 1, width, dIn)));
      if (upBias != null) {
        ts.add(upBias);
        in.add(new NeuronAxis(ts.size() - 1, 1, width, 1));
      }
      if (gateBias != null) {
        ts.add(gateBias);
        gateAxes.add(new NeuronAxis(ts.size() - 1, 1, width, 1));
      }
      List<NeuronAxis> out = List.of(new NeuronAxis(2, down.shape()[0], width, 1));
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("kind", "gated_mlp");
      source.put("gate", gate.name());
      source.put("up", up.name());
      source.put("down", down.name());
      if (activation != null) {
        source.put("gate_activation", activation);
      }
      NeuronGroup g = new NeuronGroup(unique(name == null ? "mlp" : name),
          NeuronSymmetry.PERMUTATION_SCALE, Activation.UNKNOWN, ts,
          List.of(new HiddenLayer(module(up.name()), width, in, gateAxes, out)), source, false);
      claimAll(ts);
      add(g);
    }

    private void gpt2Mlps() {
      for (TensorInfo t : List.copyOf(byName.values())) {
        String n = t.name();
        if (claimed.contains(n) || !n.endsWith("c_fc.weight") || t.shape().length != 2) {
          continue;
        }
        String prefix = n.substring(0, n.length() - "c_fc.weight".length());
        TensorInfo proj = free(prefix + "c_proj.weight");
        if (proj == null) {
          continue;
        }
        boolean conv1d = conv1dModel != null ? conv1dModel : t.shape()[1] > t.shape()[0];
        String act = desc.modelActivation() != null ? desc.modelActivation() : "gelu";
        TensorInfo bias = free(prefix + "c_fc.bias");
        List<TensorInfo> biases = new ArrayList<>();
        biases.add(bias);
        try {
          addChain(moduleName(prefix, "mlp"), List.of(t, proj), biases, Activation.parse(act),
              true, conv1d, "mlp");
        } catch (IllegalArgumentException e) {
          notes.add("MLP '" + moduleName(prefix, "mlp") + "' analysed as plain matrices: "
              + e.getMessage());
        }
      }
    }

    // ---- generic chains ----------------------------------------------------------------------

    private void chains() {
      List<TensorInfo> candidates = new ArrayList<>();
      for (TensorInfo t : byName.values()) {
        String n = t.name();
        boolean weightLike = n.endsWith("weight") || !n.contains(".");
        if (!claimed.contains(n) && weightLike && t.shape().length >= 2
            && Tensor.numel(t.shape()) > 0) {
          candidates.add(t);
        }
      }
      candidates.sort(Comparator.comparing(TensorInfo::name, NaturalOrder.INSTANCE));
      List<TensorInfo> chain = new ArrayList<>();
      for (TensorInfo t : candidates) {
        if (!chain.isEmpty() && !links(chain.get(chain.size() - 1), t)) {
          flushChain(chain);
        }
        chain.add(t);
      }
      flushChain(chain);
    }

    private static boolean links(TensorInfo prev, TensorInfo next) {
      if (!parent(module(prev.name())).equals(parent(module(next.name())))) {
        return false;
      }
      int n = prev.shape()[0];
      int[] s = next.shape();
      if (s.length == 2) {
        return prev.shape().length == 2 ? s[1] == n : s[1] % n == 0;
      }
      return prev.shape().length >= 3 && s[1] == n;
    }

    private void flushChain(List<TensorInfo> chain) {
      if (chain.size() >= 2) {
        List<TensorInfo> biases = new ArrayList<>();
        for (int l = 0; l < chain.size() - 1; l++) {
          TensorInfo w = chain.get(l);
          TensorInfo b = w.name().endsWith("weight")
              ? free(w.name().substring(0, w.name().length() - "weight".length()) + "bias") : null;
          biases.add(b != null && b.shape().length == 1 && b.shape()[0] == w.shape()[0] ? b : null);
        }
        boolean conv = chain.get(0).shape().length >= 3;
        addChain(null, List.copyOf(chain), biases, chainActivation(), activationDeclared(), false,
            conv ? "conv" : "mlp");
      }
      chain.clear();
    }

    private Activation chainActivation() {
      if (desc.activation() != null) {
        return Activation.parse(desc.activation());
      }
      if (desc.activationHint() != null) {
        return Activation.parse(desc.activationHint());
      }
      return "deep-linear".equals(desc.preset()) ? Activation.LINEAR : Activation.UNKNOWN;
    }

    /** Whether the description, a hint or a preset says what the chains' activation is. */
    private boolean activationDeclared() {
      return desc.activation() != null || desc.activationHint() != null || desc.preset() != null;
    }

    /**
     * A chain of weights with optional hidden biases (biases.get(l) for the output of weight l):
     * a GL chain when linear, bias-free and 2-D; a neuron group otherwise, which also observes
     * the chain's product ({@link NeuronGroup#endToEnd}) when it is bias-free and 2-D, has at
     * least two outputs and two inputs, and nothing says what its activation is (it may be a
     * linear chain whose sweep does not say so).
     */
    private void addChain(String name, List<TensorInfo> w, List<TensorInfo> biases, Activation act,
                          boolean activationKnown, boolean conv1d, String kind) {
      if (w.size() < 2) {
        throw new IllegalArgumentException("a chain needs at least 2 weights, got " + w.size());
      }
      String groupName = unique(name != null ? name : chainName(w));
      boolean hasBias = biases != null && biases.stream().anyMatch(b -> b != null);
      boolean allMatrices = w.stream().allMatch(t -> t.shape().length == 2);
      if (act == Activation.LINEAR && !hasBias && allMatrices && !conv1d) {
        LinearChainGroup g = new LinearChainGroup(groupName, w);
        claimAll(w);
        add(g);
        return;
      }
      NeuronSymmetry symmetry = act.neuronSymmetry();
      if (act == Activation.LINEAR) {
        notes.add("chain '" + groupName + "': linear activation with hidden biases, conv kernels"
            + " or Conv1D layout analysed with neuron permutations only");
      }
      List<TensorInfo> ts = new ArrayList<>();
      List<HiddenLayer> layers = new ArrayList<>();
      int[] weightIndex = new int[w.size()];
      for (int l = 0; l < w.size(); l++) {
        weightIndex[l] = ts.size();
        ts.add(w.get(l));
        if (l < w.size() - 1 && biases != null && biases.get(l) != null) {
          ts.add(biases.get(l));
        }
      }
      for (int l = 0; l < w.size() - 1; l++) {
        TensorInfo cur = w.get(l);
        TensorInfo next = w.get(l + 1);
        requireMatrixOrKernel(cur);
        requireMatrixOrKernel(next);
        int[] cs = cur.shape();
        int n = conv1d ? cs[1] : cs[0];
        long curSize = Tensor.numel(cs);
        long nextSize = Tensor.numel(next.shape());
        List<NeuronAxis> in = new ArrayList<>();
        in.add(conv1d ? new NeuronAxis(weightIndex[l], cs[0], n, 1)
            : new NeuronAxis(weightIndex[l], 1, n, (int) (curSize / n)));
        TensorInfo b = biases == null ? null : biases.get(l);
        if (b != null) {
          if (b.shape().length != 1 || b.shape()[0] != n) {
            throw new IllegalArgumentException("bias '" + b.name() + "' " + Arrays.toString(b.shape())
                + " does not match the " + n + " outputs of '" + cur.name() + "'");
          }
          in.add(new NeuronAxis(weightIndex[l] + 1, 1, n, 1));
        }
        NeuronAxis out;
        int[] ns = next.shape();
        if (conv1d) {
          if (ns[0] != n) {
            throw new IllegalArgumentException("'" + next.name() + "' " + Arrays.toString(ns)
                + " does not take the " + n + " outputs of '" + cur.name() + "'");
          }
          out = new NeuronAxis(weightIndex[l + 1], 1, n, (int) (nextSize / n));
        } else {
          long perRow = nextSize / ns[0];
          if (perRow % n != 0 || (ns.length > 2 && ns[1] != n)) {
            throw new IllegalArgumentException("'" + next.name() + "' " + Arrays.toString(ns)
                + " does not take the " + n + " outputs of '" + cur.name() + "'");
          }
          out = new NeuronAxis(weightIndex[l + 1], ns[0], n, (int) (perRow / n));
        }
        layers.add(new HiddenLayer(module(cur.name()), n, in, List.of(), List.of(out)));
      }
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("kind", kind);
      source.put("weights", w.stream().map(TensorInfo::name).toList());
      List<Object> bs = new ArrayList<>();
      if (biases != null) {
        for (TensorInfo b : biases) {
          bs.add(b == null ? "" : b.name());
        }
      }
      source.put("biases", bs);
      source.put("layout", conv1d ? "conv1d" : "linear");
      // a product with a single singular value (one output or one input) has no modes to tell
      // apart: its rise is the loss's own, and a ReLU network's scalar readout grows the same way
      boolean endToEnd = act == Activation.UNKNOWN && !activationKnown && !hasBias
          && !conv1d && NeuronGroup.composes(w)
          && Math.min(w.get(w.size() - 1).shape()[0], w.get(0).shape()[1]) >= 2;
      NeuronGroup g = new NeuronGroup(groupName, symmetry, act, ts, layers, source, endToEnd);
      claimAll(ts);
      add(g);
    }

    private List<TensorInfo> hiddenBiases(List<TensorInfo> w, List<TensorInfo> b) {
      List<TensorInfo> out = new ArrayList<>();
      for (int l = 0; l < w.size() - 1; l++) {
        out.add(b != null && l < b.size() ? b.get(l) : null);
      }
      return out;
    }

    // ---- helpers -------------------------------------------------------------------------

    private void add(SymmetryGroup g) {
      names.add(g.name());
      groups.add(g);
    }

    private String unique(String base) {
      String n = base;
      for (int k = 2; names.contains(n); k++) {
        n = base + "#" + k;
      }
      return n;
    }

    private TensorInfo free(String name) {
      TensorInfo t = byName.get(name);
      return t == null || claimed.contains(name) ? null : t;
    }

    private TensorInfo require(String name) {
      TensorInfo t = byName.get(name);
      if (t == null) {
        throw new StructureMismatchException("model description names tensor '" + name
            + "', which the checkpoint does not have");
      }
      if (claimed.contains(name)) {
        throw new StructureMismatchException("model description puts tensor '" + name
            + "' in two groups");
      }
      return t;
    }

    private TensorInfo optional(String name) {
      return name == null || name.isEmpty() ? null : require(name);
    }

    private TensorInfo claim(TensorInfo t) {
      claimed.add(t.name());
      return t;
    }

    private void claimAll(List<TensorInfo> ts) {
      for (TensorInfo t : ts) {
        claimed.add(t.name());
      }
    }

    private List<TensorInfo> tensorList(Map<String, Object> spec, String key, boolean required) {
      Object v = spec.get(key);
      if (v == null) {
        if (required) {
          throw new StructureMismatchException("model description: group needs '" + key + "'");
        }
        return null;
      }
      if (!(v instanceof List<?> list)) {
        throw new StructureMismatchException("model description: '" + key + "' must be a list, got "
            + v);
      }
      List<TensorInfo> out = new ArrayList<>();
      for (Object o : list) {
        out.add(o == null || "".equals(o) ? null : require(o.toString()));
      }
      return out;
    }

    private static String string(Map<String, Object> spec, String key, boolean required) {
      Object v = spec.get(key);
      if (v == null) {
        if (required) {
          throw new StructureMismatchException("model description: group " + spec + " needs '"
              + key + "'");
        }
        return null;
      }
      return v.toString();
    }

    private static Integer integer(Map<String, Object> spec, String key) {
      Object v = spec.get(key);
      if (v == null) {
        return null;
      }
      if (v instanceof Number n) {
        return n.intValue();
      }
      try {
        return Integer.parseInt(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new StructureMismatchException("model description: '" + key
            + "' must be an integer, got " + v);
      }
    }

    private static void requireMatrix(TensorInfo t) {
      if (t.shape().length != 2) {
        throw new IllegalArgumentException("'" + t.name() + "' has shape "
            + Arrays.toString(t.shape()) + ", expected a matrix");
      }
    }

    private static void requireMatrixOrKernel(TensorInfo t) {
      if (t.shape().length < 2 || Tensor.numel(t.shape()) == 0) {
        throw new IllegalArgumentException("'" + t.name() + "' has shape "
            + Arrays.toString(t.shape()) + ", expected a weight matrix or kernel");
      }
    }

    private static String chainName(List<TensorInfo> w) {
      String[] common = module(w.get(0).name()).split("\\.");
      int len = common.length;
      for (TensorInfo t : w) {
        String[] parts = module(t.name()).split("\\.");
        int i = 0;
        while (i < len && i < parts.length && parts[i].equals(common[i])) {
          i++;
        }
        len = i;
      }
      return len > 0 ? String.join(".", Arrays.copyOf(common, len)) : module(w.get(0).name());
    }

    private static String moduleName(String prefix, String fallback) {
      String p = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
      return p.isEmpty() ? fallback : p;
    }
  }

  /** The module of a tensor: its name without the last component ({@code fc1} of {@code fc1.weight}). */
  static String module(String tensorName) {
    int dot = tensorName.lastIndexOf('.');
    return dot < 0 ? tensorName : tensorName.substring(0, dot);
  }

  /** The parent of a module ({@code layers} of {@code layers.0}; empty at top level). */
  static String parent(String module) {
    int dot = module.lastIndexOf('.');
    return dot < 0 ? "" : module.substring(0, dot);
  }
}
