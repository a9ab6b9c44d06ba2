package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12, point 5: a false-alarm rate per run, not per point. Quiet runs of any length (60 to
 * 4000 samples) from the negative-control families ({@link NegativeControls}: smooth decays over
 * six decades with per-sample noise, noisy plateaus, random-walk weights, slow drifts) must
 * average at most 0.1 transitions per run over seeds 0–199. A failure lists the seeds of the
 * first runs that reported something.
 */
class RunFalseAlarmTest {
  private static final int SEEDS = 200;
  private static final double MAX_PER_RUN = 0.1;

  @ParameterizedTest
  @EnumSource(NegativeControls.Family.class)
  void quietRunsReportNoTransitions(NegativeControls.Family family) {
    ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);
    int transitions = 0;
    List<String> first = new ArrayList<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      RunShocks found = detector.detectRun(NegativeControls.run(family, seed));
      transitions += found.transitions().size();
      if (!found.transitions().isEmpty() && first.size() < 5) {
        first.add("seed " + seed + ": " + found.transitions());
      }
    }
    double rate = transitions / (double) SEEDS;
    assertTrue(rate <= MAX_PER_RUN, family + ": " + rate + " transitions per run; " + first);
  }
}
