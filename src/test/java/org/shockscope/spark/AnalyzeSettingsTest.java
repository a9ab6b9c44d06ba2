package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.shockscope.ShockscopeException;

/** Options read by {@link AnalyzeSettings}: defaults, values and the errors for bad ones. */
class AnalyzeSettingsTest {
  private static AnalyzeSettings with(String progressSeconds) {
    return AnalyzeSettings.resolve(Map.of("sweep", "/s", "out", "/o", "progress_seconds",
        progressSeconds), null, Map.of());
  }

  @Test
  void progressSecondsTakesDecimalsAndRefusesWhatIsNotAnInterval() {
    assertEquals(10.0, AnalyzeSettings.resolve(Map.of("sweep", "/s", "out", "/o"), null,
        Map.of()).progressSeconds());
    assertEquals(0.1, with("0.1").progressSeconds());
    assertEquals(3600.0, with(" 3600 ").progressSeconds());
    for (String bad : new String[] {"0", "-1", "0.001", "NaN", "Infinity", "soon"}) {
      ShockscopeException e = assertThrows(ShockscopeException.class,
          () -> with(bad).progressSeconds(), bad);
      assertTrue(e.getMessage().contains("progress_seconds") && e.getMessage().contains(bad),
          e.getMessage());
    }
  }
}
