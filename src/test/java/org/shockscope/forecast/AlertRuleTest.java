package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRuleTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  /** A divergence forecast at {@code step} (horizon 10, expected step NaN). */
  private static Forecast div(long step, double p) {
    return new Forecast(step, 10, 0.0, p, Double.NaN, Forecast.PRECURSOR, List.of("loss"));
  }

  private static List<Long> steps(List<Alert> alerts) {
    List<Long> out = new ArrayList<>();
    alerts.forEach(a -> out.add(a.step()));
    return out;
  }

  @Test
  void aRiskThatStaysAboveTheThresholdAlertsOnceAndAgainOnlyAfterDroppingBelow() {
    AlertRule rule = new AlertRule(0.5);
    List<Forecast> f = List.of(div(0, 0.1), div(10, 0.6), div(20, 0.9), div(30, 0.5),
        div(40, 0.2), div(50, 0.7), div(60, 0.8));
    List<Alert> alerts = rule.observe("r", f, NOW);
    assertEquals(List.of(10L, 50L), steps(alerts));
    assertEquals(Alert.DIVERGENCE, alerts.get(0).kind());
    assertEquals(0.6, alerts.get(0).probability());
  }

  @Test
  void stepsSeenInAnEarlierCycleNeverAlertAgainAndTheStateCarriesOver() {
    AlertRule rule = new AlertRule(0.5);
    assertEquals(List.of(10L), steps(rule.observe("r", List.of(div(0, 0.0), div(10, 0.8)), NOW)));
    // the next cycle's forecasts hold the old steps again, and the risk is still raised at 20
    assertEquals(List.of(), steps(rule.observe("r", List.of(div(0, 0.0), div(10, 0.8),
        div(20, 0.9)), NOW)));
    // dropped at 30, crossed again at 40
    assertEquals(List.of(40L), steps(rule.observe("r", List.of(div(10, 0.8), div(20, 0.9),
        div(30, 0.1), div(40, 0.6)), NOW)));
  }

  @Test
  void aRunsStateAfterItsStepsIsThatOfItsLatestStep() {
    List<Forecast> history = List.of(div(0, 0.9), div(10, 0.2), div(20, 0.7));
    List<Forecast> next = List.of(div(30, 0.8), div(40, 0.1), div(50, 0.6));
    for (double last : new double[] {0.7, 0.2}) {
      List<Forecast> h = List.of(history.get(0), history.get(1), div(20, last));
      AlertRule all = new AlertRule(0.5);
      all.observe("r", h, NOW);
      AlertRule latest = new AlertRule(0.5);
      latest.observe("r", List.of(div(20, last)), NOW);
      assertEquals(steps(all.observe("r", next, NOW)), steps(latest.observe("r", next, NOW)));
    }
  }

  @Test
  void runsAndKindsAreRaisedIndependently() {
    AlertRule rule = new AlertRule(0.5);
    Forecast both = new Forecast(10, 10, 0.7, 0.8, 14.0, Forecast.PRECURSOR, List.of("loss"));
    List<Alert> a = rule.observe("a", List.of(both), NOW);
    assertEquals(List.of(Alert.JUMP, Alert.DIVERGENCE), a.stream().map(Alert::kind).toList());
    assertEquals(1, rule.observe("b", List.of(div(10, 0.8)), NOW).size());
  }

  @Test
  void theStrongestForecastOfAStepCarriesTheAlertWithItsLead() {
    AlertRule rule = new AlertRule(0.5);
    List<Forecast> step = List.of(
        new Forecast(30, 2, 0.0, 0.3, 35.0, Forecast.PRECURSOR, List.of("loss")),
        new Forecast(30, 10, 0.0, 0.9, 35.0, Forecast.PRECURSOR, List.of("loss", "fc1/spectral_norm")),
        new Forecast(30, 40, 0.0, 0.9, 35.0, Forecast.PRECURSOR, List.of("loss")));
    Alert a = rule.observe("r", step, NOW).get(0);
    assertEquals(10, a.horizon(), "on a tie the shortest horizon");
    assertEquals(5.0, a.lead(), "expected step 35 - step 30");
    assertEquals(List.of("loss", "fc1/spectral_norm"), a.series());
    assertEquals(NOW, a.issuedAt());
  }

  @Test
  void withoutAnExpectedStepTheLeadIsTheHorizon() {
    Alert a = new AlertRule(0.5).observe("r", List.of(div(30, 0.9)), NOW).get(0);
    assertEquals(10.0, a.lead());
  }

  @Test
  void aThresholdOutsideZeroToOneIsRefusedWithItsValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AlertRule(1.5));
    assertTrue(e.getMessage().contains("(0, 1]") && e.getMessage().contains("1.5"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new AlertRule(0.0));
    assertThrows(IllegalArgumentException.class, () -> new AlertRule(Double.NaN));
  }
}
