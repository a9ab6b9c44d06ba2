package org.shockscope.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A run's model structure in words, from the JSON of the {@code runs} table's
 * {@code structure} column ({@code {"groups": [...], "notes": [...]}}, one object per symmetry
 * group as the reduction recorded it): e.g. "MLP, 1 hidden layer of 64 (relu), permutation ×
 * positive scaling" or "2 × attention, 2 heads of 16, head permutations × GL(d_head); 3
 * matrices without symmetry". Groups that read the same are counted once ("2 × …"), in the
 * order they first appear.
 *
 * <p>The {@link #kind()} names what the network is made of — the kinds of its groups, those
 * without symmetry left out ("MLP", "deep linear", "attention + MLP") — and is what the report
 * splits a sweep by when it has no model hyperparameter. A missing or unreadable description
 * gives the kind {@value #UNKNOWN}.
 *
 * @param kind the network's kind (see above)
 * @param text the structure in words
 * @param json the description as recorded, pretty-printed when it parses; null when absent
 */
record StructureSummary(String kind, String text, String json) {
  /** Kind of a run whose structure is not recorded or not readable. */
  static final String UNKNOWN = "unknown structure";
  /** Names of plain (symmetry-free) matrices listed before they are only counted. */
  static final int PLAIN_NAMES_SHOWN = 3;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Group kinds in the order their names appear in a kind; others follow alphabetically. */
  private static final List<String> KIND_ORDER = List.of("attention", "gated_mlp", "mlp",
      "conv", "linear_chain");

  /** The summary of a {@code structure} value (null when the run has none). */
  static StructureSummary of(String json) {
    if (json == null || json.isBlank()) {
      return new StructureSummary(UNKNOWN, "structure not recorded", null);
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return new StructureSummary(UNKNOWN, "structure description not readable", json);
    }
    JsonNode groups = root == null ? null : root.get("groups");
    if (groups == null || !groups.isArray()) {
      return new StructureSummary(UNKNOWN, "structure description without groups", json);
    }
    Map<String, Integer> phrases = new LinkedHashMap<>();
    TreeSet<String> kinds = new TreeSet<>(StructureSummary::compareKinds);
    List<String> plain = new ArrayList<>();
    for (JsonNode g : groups) {
      String kind = g.path("kind").asText("");
      if (kind.equals("plain")) {
        plain.add(g.path("tensor").asText(g.path("name").asText("?")));
        continue;
      }
      kinds.add(kind);
      phrases.merge(phrase(kind, g), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Integer> e : phrases.entrySet()) {
      parts.add(e.getValue() == 1 ? e.getKey() : e.getValue() + " \u00d7 " + e.getKey());
    }
    if (!plain.isEmpty()) {
      parts.add(plain.size() + (plain.size() == 1 ? " matrix" : " matrices")
          + " without symmetry" + (plain.size() <= PLAIN_NAMES_SHOWN
          ? " (" + String.join(", ", plain) + ")" : ""));
    }
    List<String> names = new ArrayList<>();
    for (String k : kinds) {
      names.add(kindName(k));
    }
    String kind = names.isEmpty() ? (plain.isEmpty() ? UNKNOWN : "plain matrices")
        : String.join(" + ", names);
    String text = parts.isEmpty() ? "no symmetry groups" : String.join("; ", parts);
    return new StructureSummary(kind, text, pretty(root));
  }

  /** One group in words, without its count. */
  private static String phrase(String kind, JsonNode g) {
    String symmetry = symmetry(kind, g.path("symmetry").asText(""));
    String shape = switch (kind) {
      case "linear_chain" -> count(g.path("weights").size(), "layer", "layers");
      case "attention" -> attentionShape(g);
      default -> hiddenShape(kind, g);
    };
    StringBuilder b = new StringBuilder(kindName(kind));
    if (!shape.isEmpty()) {
      b.append(", ").append(shape);
    }
    if (!symmetry.isEmpty()) {
      b.append(", ").append(symmetry);
    }
    return b.toString();
  }

  /**
   * "1 hidden layer of 64 (relu)", "hidden layers of 64, 32 (tanh)"; an unknown activation is
   * left out (its group, permutations only, says as much).
   */
  private static String hiddenShape(String kind, JsonNode g) {
    JsonNode hidden = g.path("hidden");
    List<String> widths = new ArrayList<>();
    for (JsonNode h : hidden) {
      widths.add(h.path("width").asText("?"));
    }
    String layer = kind.equals("conv") ? "channel layer" : "hidden layer";
    String shape;
    if (widths.isEmpty()) {
      shape = "";
    } else if (widths.stream().distinct().count() == 1) {
      shape = count(widths.size(), layer, layer + "s") + " of " + widths.get(0);
    } else {
      shape = layer + "s of " + String.join(", ", widths);
    }
    String activation = g.path("activation").asText("");
    if (!activation.isEmpty() && !activation.equals("unknown")) {
      shape = shape.isEmpty() ? activation : shape + " (" + activation + ")";
    }
    return shape;
  }

  /** "2 heads of 16", "8 heads of 64 sharing 2 key/value heads". */
  private static String attentionShape(JsonNode g) {
    int heads = g.path("heads").asInt(0);
    int kv = g.path("kv_heads").asInt(heads);
    int dim = g.path("head_dim").asInt(0);
    if (heads <= 0) {
      return "";
    }
    return count(heads, "head", "heads") + (dim > 0 ? " of " + dim : "")
        + (kv > 0 && kv < heads ? " sharing " + count(kv, "key/value head", "key/value heads")
        : "");
  }

  private static String symmetry(String kind, String recorded) {
    if (kind.equals("attention")) {
      // the recorded text also says where GL(d_head) acts; the words keep the group only
      return "head permutations \u00d7 GL(d_head)";
    }
    return recorded.replace(" x ", " \u00d7 ");
  }

  private static String kindName(String kind) {
    return switch (kind) {
      case "mlp" -> "MLP";
      case "gated_mlp" -> "gated MLP";
      case "conv" -> "conv net";
      case "linear_chain" -> "deep linear";
      case "attention" -> "attention";
      case "" -> "group";
      default -> kind.replace('_', ' ');
    };
  }

  private static int compareKinds(String a, String b) {
    int ia = KIND_ORDER.indexOf(a);
    int ib = KIND_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) {
      return ia < 0 ? 1 : ib < 0 ? -1 : Integer.compare(ia, ib);
    }
    return a.compareTo(b);
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static String pretty(JsonNode root) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      return root.toString();
    }
  }

  /**
   * Writes the summary as HTML: the words, and the recorded JSON in a closed
   * {@code <details>} element (one click away).
   */
  void html(StringBuilder out) {
    out.append("<span class=\"structure\">").append(Html.escape(text)).append("</span>");
    if (json != null) {
      out.append("<details class=\"json\"><summary>JSON</summary><pre>")
          .append(Html.escape(json)).append("</pre></details>");
    }
  }
}
