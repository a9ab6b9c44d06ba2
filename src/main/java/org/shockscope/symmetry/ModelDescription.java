package org.shockscope.symmetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What is known about a model's architecture before looking at its tensors, from (in order of
 * precedence) an explicit description ({@code sweep.json} "model" or a job option), a run
 * hyperparameter hint, and a Hugging Face {@code config.json}. Every field may be absent
 * ({@code null}); {@link StructureInference} fills the gaps from tensor names and shapes.
 *
 * <p>Accepted keys of the description map: {@code preset} ({@code mlp}, {@code deep-linear},
 * {@code conv}, {@code gpt2}, {@code llama}), {@code activation}, {@code heads} (or
 * {@code num_attention_heads}, {@code n_head}), {@code kv_heads} (or
 * {@code num_key_value_heads}), {@code head_dim}, and {@code groups}: a list of explicit group
 * descriptions in the format of {@link SymmetryGroup#describe()}.
 *
 * @param preset          the preset, lower case, or null
 * @param activation      the activation stated by the description, or null
 * @param activationHint  an activation hint (e.g. the run hyperparameter {@code activation})
 * @param modelActivation the activation named by the architecture config ({@code hidden_act},
 *                        {@code activation_function}), or null
 * @param heads           number of attention heads, or null
 * @param kvHeads         number of key/value heads, or null (= heads)
 * @param headDim         head dimension, or null (= rows of the query projection / heads)
 * @param groups          explicit group descriptions (possibly empty)
 */
public record ModelDescription(String preset, String activation, String activationHint,
                               String modelActivation, Integer heads, Integer kvHeads,
                               Integer headDim, List<Map<String, Object>> groups) {
  /** Presets understood by {@link StructureInference}. */
  public static final List<String> PRESETS = List.of("mlp", "deep-linear", "conv", "gpt2", "llama");

  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelDescription {
    groups = groups == null ? List.of() : List.copyOf(groups);
    if (preset != null) {
      preset = preset.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      if (preset.equals("deeplinear") || preset.equals("linear")) {
        preset = "deep-linear";
      }
      if (!PRESETS.contains(preset)) {
        throw new StructureMismatchException("unknown model preset '" + preset + "', expected one of "
            + PRESETS);
      }
    }
    requirePositive("heads", heads);
    requirePositive("kv_heads", kvHeads);
    requirePositive("head_dim", headDim);
  }

  private static void requirePositive(String key, Integer v) {
    if (v != null && v < 1) {
      throw new StructureMismatchException("model description: " + key + " must be >= 1, got " + v);
    }
  }

  /** Nothing known: inference from tensor names and shapes only. */
  public static ModelDescription none() {
    return new ModelDescription(null, null, null, null, null, null, null, List.of());
  }

  /** A description with only a preset. */
  public static ModelDescription preset(String preset) {
    return none().withPreset(preset);
  }

  /**
   * The description in a parsed JSON map (the {@code "model"} object of {@code sweep.json}).
   *
   * @throws StructureMismatchException on a value of the wrong type
   */
  @SuppressWarnings("unchecked")
  public static ModelDescription fromMap(Map<String, ?> model) {
    if (model == null) {
      return none();
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    Object g = model.get("groups");
    if (g != null) {
      if (!(g instanceof List<?> list)) {
        throw new StructureMismatchException("model description: 'groups' must be a list, got " + g);
      }
      for (Object o : list) {
        if (!(o instanceof Map<?, ?>)) {
          throw new StructureMismatchException("model description: every group must be an object, got "
              + o);
        }
        groups.add(new LinkedHashMap<>((Map<String, Object>) o));
      }
    }
    return new ModelDescription(text(model, "preset"), text(model, "activation"), null,
        firstText(model, "hidden_act", "activation_function"),
        integer(model, "heads", "num_attention_heads", "n_head"),
        integer(model, "kv_heads", "num_key_value_heads"), integer(model, "head_dim"), groups);
  }

  /**
   * The description in a JSON object text.
   *
   * @throws StructureMismatchException when the text is not a JSON object
   */
  @SuppressWarnings("unchecked")
  public static ModelDescription fromJson(String json) {
    return fromMap(parseObject(json, "model description"));
  }

  /** This description with a preset (replacing any). */
  public ModelDescription withPreset(String newPreset) {
    return new ModelDescription(newPreset, activation, activationHint, modelActivation, heads,
        kvHeads, headDim, groups);
  }

  /**
   * This description with an activation hint (e.g. the run hyperparameter {@code activation}),
   * used only where the description itself names none.
   */
  public ModelDescription withActivationHint(String hint) {
    return new ModelDescription(preset, activation, hint, modelActivation, heads, kvHeads,
        headDim, groups);
  }

  /**
   * This description completed by a Hugging Face {@code config.json}: heads
   * ({@code num_attention_heads}, {@code n_head}), key/value heads
   * ({@code num_key_value_heads}), {@code head_dim}, the activation ({@code hidden_act},
   * {@code activation_function}) and, without a preset, one derived from {@code model_type}
   * ({@code gpt2} → gpt2; {@code llama}, {@code mistral}, {@code qwen2} → llama). Values already
   * in this description win.
   *
   * @throws StructureMismatchException when the text is not a JSON object
   */
  public ModelDescription withHfConfig(String configJson) {
    Map<String, Object> c = parseObject(configJson, "config.json");
    String type = text(c, "model_type");
    String p = preset;
    if (p == null && type != null) {
      switch (type.toLowerCase(Locale.ROOT)) {
        case "gpt2":
          p = "gpt2";
          break;
        case "llama":
        case "mistral":
        case "qwen2":
          p = "llama";
          break;
        default:
          p = null;
      }
    }
    return new ModelDescription(p, activation, activationHint,
        modelActivation != null ? modelActivation : firstText(c, "hidden_act", "activation_function"),
        heads != null ? heads : integer(c, "num_attention_heads", "n_head"),
        kvHeads != null ? kvHeads : integer(c, "num_key_value_heads"),
        headDim != null ? headDim : integer(c, "head_dim"), groups);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parseObject(String json, String what) {
    try {
      Object o = JSON.readValue(json, Object.class);
      if (!(o instanceof Map<?, ?>)) {
        throw new StructureMismatchException(what + " is not a JSON object");
      }
      return (Map<String, Object>) o;
    } catch (JsonProcessingException e) {
      throw new StructureMismatchException(what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(Map<String, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new StructureMismatchException("model description: '" + key + "' must be a string, got "
          + v);
    }
    return s;
  }

  private static String firstText(Map<String, ?> m, String... keys) {
    for (String k : keys) {
      String v = text(m, k);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Integer integer(Map<String, ?> m, String... keys) {
    for (String key : keys) {
      Object v = m.get(key);
      if (v == null) {
        continue;
      }
      if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        return n.intValue();
      }
      if (v instanceof String s) {
        try {
          return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
          // reported below
        }
      }
      throw new StructureMismatchException("model description: '" + key
          + "' must be an integer, got " + v);
    }
    return null;
  }
}
