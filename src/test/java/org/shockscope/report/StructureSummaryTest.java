package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Structure JSON, as the reduction records it, in words. */
class StructureSummaryTest {
  @Test
  void reluMlpReadsAsItsLayersAndGroup() {
    StructureSummary s = StructureSummary.of(RecordedStructures.mlp(8, 64, 1, "relu", true));
    assertEquals("MLP, 1 hidden layer of 64 (relu), permutation \u00d7 positive scaling",
        s.text());
    assertEquals("MLP", s.kind());
    assertTrue(s.json().contains("\"hidden\""), s.json());
    assertTrue(s.json().contains("\n"), "pretty-printed: " + s.json());
    // a linear activation with a hidden bias keeps only the permutations
    assertEquals("MLP, 1 hidden layer of 64 (linear), permutation",
        StructureSummary.of(RecordedStructures.mlp(8, 64, 1, "linear", true)).text());
    assertEquals("MLP, 1 hidden layer of 2 (tanh), permutation \u00d7 sign",
        StructureSummary.of(RecordedStructures.mlp(100, 2, 1, "tanh", false)).text());
  }

  @Test
  void deepLinearChainReadsAsItsDepthAndGlH() {
    StructureSummary s = StructureSummary.of(RecordedStructures.linearChain(10, 8, 8, 8));
    assertEquals("deep linear, 3 layers, GL(h) on each hidden space", s.text());
    assertEquals("deep linear", s.kind());
  }

  @Test
  void attentionLayersAreCountedAndPlainMatricesNamed() {
    StructureSummary s = StructureSummary.of(
        RecordedStructures.gpt2AttentionOnly(2, 2, 32, 13));
    assertEquals("2 \u00d7 attention, 2 heads of 16, head permutations \u00d7 GL(d_head); "
        + "3 matrices without symmetry (transformer.wte.weight, transformer.wpe.weight, "
        + "lm_head.weight)", s.text());
    assertEquals("attention", s.kind());
  }

  @Test
  void mixedKindsAndUnequalWidthsAreSpelledOut() {
    String json = "{\"groups\":[{\"kind\":\"mlp\",\"activation\":\"gelu\",\"symmetry\":"
        + "\"permutation\",\"hidden\":[{\"name\":\"a\",\"width\":128},{\"name\":\"b\","
        + "\"width\":64}]},{\"kind\":\"attention\",\"heads\":8,\"kv_heads\":2,\"head_dim\":"
        + "64}],\"notes\":[]}";
    StructureSummary s = StructureSummary.of(json);
    assertEquals("MLP, hidden layers of 128, 64 (gelu), permutation; attention, 8 heads of 64 "
        + "sharing 2 key/value heads, head permutations \u00d7 GL(d_head)", s.text());
    assertEquals("attention + MLP", s.kind(), "kinds in a fixed order, not the groups' order");
  }

  @Test
  void absentOrBrokenDescriptionsSayWhatIsWrong() {
    StructureSummary none = StructureSummary.of(null);
    assertEquals(StructureSummary.UNKNOWN, none.kind());
    assertEquals("structure not recorded", none.text());
    assertNull(none.json());
    StructureSummary broken = StructureSummary.of("{\"groups\": [");
    assertEquals(StructureSummary.UNKNOWN, broken.kind());
    assertEquals("structure description not readable", broken.text());
    assertEquals("{\"groups\": [", broken.json(), "kept as recorded");
    assertEquals("structure description without groups", StructureSummary.of("[1]").text());
    assertEquals("plain matrices", StructureSummary.of(
        "{\"groups\":[{\"kind\":\"plain\",\"tensor\":\"w\",\"symmetry\":\"none\"}]}").kind());
  }

  @Test
  void htmlShowsWordsWithTheEscapedJsonBehindAClick() {
    StringBuilder b = new StringBuilder();
    StructureSummary.of("{\"groups\":[{\"kind\":\"plain\",\"tensor\":\"<w>&\"}]}").html(b);
    String html = b.toString();
    assertTrue(html.startsWith("<span class=\"structure\">1 matrix without symmetry "
        + "(&lt;w&gt;&amp;)</span><details class=\"json\"><summary>JSON</summary><pre>"), html);
    assertTrue(html.contains("&quot;tensor&quot; : &quot;&lt;w&gt;&amp;&quot;"), html);
    assertFalse(html.contains("<details open"), "closed until clicked");
    StringBuilder none = new StringBuilder();
    StructureSummary.of(null).html(none);
    assertFalse(none.toString().contains("<details"), "nothing to open");
  }
}
