package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogNumberParserTest {
  @Test
  void decimalsAreStrict() {
    for (String s : new String[] {"0", "-3", "+2.5", "1e-3", "1E+05", ".5", "5.", "1.5e3"}) {
      assertTrue(LogNumberParser.isDecimal(s), s);
    }
    for (String s : new String[] {"", "-", ".", "1e", "e3", "1f", "1d", "0x10", "NaN", "Infinity",
        " 1", "1 ", "1,5", "--1", "1e3.5", "true"}) {
      assertFalse(LogNumberParser.isDecimal(s), s);
    }
  }

  @Test
  void hyperparametersAreNumbersOnlyWhenFiniteDecimals() {
    assertEquals(Map.of("lr", 1e-3, "width", 64.0, "wd", 0.0),
        LogNumberParser.finiteValues(Map.of("lr", "1e-3", "width", " 64 ", "wd", "0",
            "nesterov", "true", "opt", "adam", "x", "nan", "y", "inf", "z", "1e999")));
  }

  @Test
  void metricValuesKeepEveryNonFiniteSpelling() {
    for (String s : new String[] {"nan", "NaN", "-nan", "NAN", "null", "None"}) {
      assertTrue(Double.isNaN(LogNumberParser.metric(s, false)), s);
    }
    for (String s : new String[] {"inf", "+inf", "Infinity", "INF", "+Infinity"}) {
      assertEquals(Double.POSITIVE_INFINITY, LogNumberParser.metric(s, false), s);
    }
    for (String s : new String[] {"-inf", "-Infinity", "-INF"}) {
      assertEquals(Double.NEGATIVE_INFINITY, LogNumberParser.metric(s, false), s);
    }
    assertEquals(-2.5e-3, LogNumberParser.metric(" -2.5e-3 ", false));
    assertTrue(Double.isNaN(LogNumberParser.metric("  ", true)));
    assertThrows(NumberFormatException.class, () -> LogNumberParser.metric("", false));
    assertThrows(NumberFormatException.class, () -> LogNumberParser.metric("1f", true));
  }

  @Test
  void stepsAreNonNegativeIntegers() {
    assertEquals(100, LogNumberParser.step("100"));
    assertEquals(100, LogNumberParser.step("100.0"));
    assertEquals(1000, LogNumberParser.step("1e3"));
    assertEquals(0, LogNumberParser.step("0"));
    assertEquals(123456789012345678L, LogNumberParser.step("123456789012345678"));
    for (String s : new String[] {"-1", "1.5", "abc", "", "nan", "1e20", "99999999999999999999"}) {
      assertEquals(-1, LogNumberParser.step(s), s);
    }
  }
}
