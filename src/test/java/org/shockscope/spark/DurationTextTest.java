package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void numbersWithUnitsAndIsoDurationsParse() {
    assertEquals(Duration.ofSeconds(30), DurationText.parse("--watch", "30s"));
    assertEquals(Duration.ofMinutes(5), DurationText.parse("--watch", "5m"));
    assertEquals(Duration.ofMinutes(90), DurationText.parse("--watch", "1h30m"));
    assertEquals(Duration.ofMillis(250), DurationText.parse("--watch", "250ms"));
    assertEquals(Duration.ofDays(2), DurationText.parse("--watch", " 2D "));
    assertEquals(Duration.ofSeconds(45), DurationText.parse("--watch", "PT45S"));
  }

  @Test
  void textThatIsNoPositiveDurationIsRefusedNamingTheOptionAndTheText() {
    for (String bad : new String[] {"30", "5 min", "-5s", "1.5h", "s", "5m30"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DurationText.parse("--watch-for", bad), bad);
      assertEquals("--watch-for: '" + bad + "' is not a duration; write a number and a unit "
          + "(ms, s, m, h, d), e.g. 30s, 5m, 1h30m", e.getMessage());
    }
    assertEquals("--watch: the duration must be positive, got '0s'",
        assertThrows(IllegalArgumentException.class,
            () -> DurationText.parse("--watch", "0s")).getMessage());
    assertEquals("--watch: 'PTxS' is not an ISO-8601 duration (e.g. PT30S)",
        assertThrows(IllegalArgumentException.class,
            () -> DurationText.parse("--watch", "PTxS")).getMessage());
  }

  @Test
  void watchSettingsAreCheckedAtResolution() {
    AnalyzeSettings s = AnalyzeSettings.resolve(java.util.Map.of("watch", "30s",
        "alert_threshold", "0.8", "webhook", "http://127.0.0.1:9/x"), null, java.util.Map.of());
    assertEquals(Duration.ofSeconds(30), s.watch());
    assertEquals(0.8, s.alertThreshold());
    assertEquals(true, s.incremental(), "watch cycles are incremental");
    assertEquals("Option alert_threshold must be a probability in (0, 1], got '2'",
        assertThrows(org.shockscope.ShockscopeException.class, () -> AnalyzeSettings.resolve(
            java.util.Map.of("alert_threshold", "2"), null, java.util.Map.of())
            .alertThreshold()).getMessage());
    assertEquals("Option webhook must be an http:// or https:// URL, got 'ftp://x/y'",
        assertThrows(org.shockscope.ShockscopeException.class, () -> AnalyzeSettings.resolve(
            java.util.Map.of("webhook", "ftp://x/y"), null, java.util.Map.of()).webhook())
            .getMessage());
  }
}
