package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MomentumWidthsTest {
  private static MomentumWidths.Check check(double beta, double rate, double lab,
                                            double detector) {
    return new MomentumWidths.Check("r", "end_to_end.sv1", beta, rate, 1 / rate, lab, detector);
  }

  @Test
  void summarisesSlowModesPerBetaThenPooled() {
    List<MomentumWidths.Check> checks = List.of(
        check(0.9, 0.1, 11, 9),          // ratios 1.1, 0.9
        check(0.9, 0.05, 20, Double.NaN), // 1.0; not detected
        check(0.9, 0.2, 10, 10),         // fast: left out
        check(0.0, 0.02, 65, 40),        // 1.3 (outside 20%), 0.8 (on the bound)
        check(0.0, 0.01, 100, 100));     // 1.0, 1.0
    List<MomentumWidths.Summary> s = MomentumWidths.summarise(checks);
    assertEquals(3, s.size());
    MomentumWidths.Summary zero = s.get(0);
    MomentumWidths.Summary nine = s.get(1);
    MomentumWidths.Summary all = s.get(2);
    assertEquals(0.0, zero.momentum());
    assertEquals(0.9, nine.momentum());
    assertTrue(Double.isNaN(all.momentum()));
    assertEquals(2, nine.modes(), "the mode at s lr/(1 - beta) = 0.2 is not a slow mode");
    assertEquals(1.05, nine.labMedianRatio(), 1e-12);
    assertEquals(1.0, nine.labWithin());
    assertEquals(1, nine.detected());
    assertEquals(0.9, nine.detectorMedianRatio(), 1e-12);
    assertEquals(0.5, nine.detectorWithin(), 1e-12, "an undetected mode is not within");
    assertEquals(1.15, zero.labMedianRatio(), 1e-12);
    assertEquals(0.5, zero.labWithin(), 1e-12);
    assertEquals(1.0, zero.detectorWithin(), 1e-12);
    assertEquals(4, all.modes());
    assertEquals(1.05, all.labMedianRatio(), 1e-12);
    assertEquals(0.75, all.labWithin(), 1e-12);
    assertEquals(3, all.detected());
    assertEquals(0.9, all.detectorMedianRatio(), 1e-12);
  }

  @Test
  void noSlowModeGivesNoSummary() {
    assertTrue(MomentumWidths.summarise(List.of(check(0.5, 0.3, 3, 3))).isEmpty());
  }
}
