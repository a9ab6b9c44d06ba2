package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;

class LabConfigJsonTest {
  @Test
  void confFilesMirrorTheBuiltInConfigurations() {
    assertEquals(LabConfig.defaults(), LabConfigJson.read(Path.of("conf/lab-default.json")));
    assertEquals(LabConfig.demo(), LabConfigJson.read(Path.of("conf/lab-demo.json")));
  }

  @Test
  void treeRoundTrips() throws Exception {
    LabConfig c = TinySweep.config().withDtype(DType.F64).withHfShards(3);
    String json = SweepFiles.JSON.writeValueAsString(LabConfigJson.toTree(c));
    assertEquals(c, LabConfigJson.parse(json, "round trip"));
  }

  @Test
  void absentKeysTakeDefaultsAndFamilySeedsTheTopLevelOnes() {
    LabConfig c = LabConfigJson.parse(
        "{\"seeds\": [4], \"families\": {\"catapult\": {\"lr_scales\": [3.0]}}}", "inline");
    assertEquals(1, c.families().size());
    CatapultSpec cat = (CatapultSpec) c.families().get(0);
    assertEquals(List.of(3.0), cat.axes().lrs());
    assertEquals(((CatapultSpec) LabConfig.defaults().family(Family.CATAPULT)).activations(),
        cat.activations());
    assertEquals(2, c.plan().size());
    assertTrue(c.plan().get(0).runId().endsWith("_s4"), c.plan().get(0).runId());
  }

  @Test
  void refusesUnknownKeysAndBadValuesNamingThem() {
    LabException e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"deep-linear\": {\"lr\": [0.1]}}}", "f.json"));
    assertEquals("f.json.families.deep-linear: unknown key 'lr'", e.getMessage());
    e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"hf_shards\": \"two\"}", "f.json"));
    assertEquals("f.json.hf_shards: expected an integer, got \"two\"", e.getMessage());
    e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"teacher-student\": {\"optimizers\": [\"gd\"]}}}", "f.json").plan());
    assertTrue(e.getMessage().startsWith("teacher-student trains online"), e.getMessage());
    e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"deep-linear\": {\"lrs\": [0.1, 0.1]}}}", "f.json").plan());
    assertTrue(e.getMessage().contains("occurs twice"), e.getMessage());
    e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"deep-linear\": {\"init_scale\": 0.7}}}", "f.json"));
    assertTrue(e.getMessage().contains("init_scale u0 must be in (0, min s_k / 2 = 0.5)"),
        e.getMessage());
  }

  @Test
  void transformerConfFilesRoundTripAndTheirDemosAreSmall() throws Exception {
    for (String f : List.of("lab-induction", "lab-induction-demo", "lab-grokking",
        "lab-grokking-demo")) {
      LabConfig c = LabConfigJson.read(Path.of("conf/" + f + ".json"));
      String json = SweepFiles.JSON.writeValueAsString(LabConfigJson.toTree(c));
      assertEquals(c, LabConfigJson.parse(json, f), f);
    }
    assertEquals(162, LabConfigJson.read(Path.of("conf/lab-induction.json")).plan().size());
    assertEquals(72, LabConfigJson.read(Path.of("conf/lab-grokking.json")).plan().size());
    List<PlannedRun> induction = LabConfigJson.read(Path.of("conf/lab-induction-demo.json"))
        .plan();
    assertEquals(4, induction.size());
    assertEquals("induction_adam_lr0.003_b32_wd0_w32_L2_h2_span12_s0", induction.get(0).runId());
    List<PlannedRun> grokking = LabConfigJson.read(Path.of("conf/lab-grokking-demo.json"))
        .plan();
    assertEquals(8, grokking.size());
    // 60% of the 31·32/2 = 496 unordered pairs, full batch
    assertEquals("grokking_adamw_lr0.003_b298_wd1_w64_L2_frac0.6_relu_s0",
        grokking.get(0).runId());
  }

  @Test
  void transformerFamiliesRefuseBadShapesNamingThem() {
    LabException e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"induction\": {\"widths\": [30], \"heads\": [4]}}}", "f.json"));
    assertEquals("induction: heads 4 must be >= 1 and divide d_model (widths) 30",
        e.getMessage());
    e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"grokking\": {\"train_fractions\": [1.0]}}}", "f.json"));
    assertEquals("grokking: train fraction must be in (0, 1) and leave pairs on both sides of "
        + "the split, got 1.0 of 496 unordered pairs", e.getMessage());
    e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"grokking\": {\"held_out_metrics\": 0}}}", "f.json"));
    assertEquals("f.json.families.grokking.held_out_metrics: expected true or false, got 0",
        e.getMessage());
    e = assertThrows(LabException.class, () -> LabConfigJson.parse(
        "{\"families\": {\"induction\": {\"optimizers\": [\"gd\"]}}}", "f.json").plan());
    assertTrue(e.getMessage().startsWith("induction trains online"), e.getMessage());
  }
}
