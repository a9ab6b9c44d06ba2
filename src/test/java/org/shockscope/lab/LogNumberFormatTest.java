package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogNumberFormatTest {
  @Test
  void writesNumbersAsSweepsContainThem() {
    assertEquals("nan", LogNumberFormat.metric(Double.NaN));
    assertEquals("inf", LogNumberFormat.metric(Double.POSITIVE_INFINITY));
    assertEquals("-inf", LogNumberFormat.metric(Double.NEGATIVE_INFINITY));
    assertEquals("0.125", LogNumberFormat.metric(0.125));
    assertEquals("0.0001", LogNumberFormat.param(1e-4));
    assertEquals("2.0", LogNumberFormat.param(2.0));
    assertEquals("1.0E150", LogNumberFormat.param(1e150));
    assertEquals("7", LogNumberFormat.param(7));
    assertEquals("relu", LogNumberFormat.param("relu"));
    assertEquals("2", LogNumberFormat.label(2.0));
    assertEquals("0.005", LogNumberFormat.label(0.005));
  }

  @Test
  void orthonormalColumnsAreOrthonormal() {
    double[] q = RandomOrthonormal.columns(SeedStreams.of(3, "test"), 10, 4);
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        double dot = 0;
        for (int r = 0; r < 10; r++) {
          dot += q[r * 4 + a] * q[r * 4 + b];
        }
        assertEquals(a == b ? 1 : 0, dot, 1e-14);
      }
    }
  }
}
