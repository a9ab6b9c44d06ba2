package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumberTextTest {
  @Test
  void writesNumbersAsSweepsContainThem() {
    assertEquals("nan", NumberText.metric(Double.NaN));
    assertEquals("inf", NumberText.metric(Double.POSITIVE_INFINITY));
    assertEquals("-inf", NumberText.metric(Double.NEGATIVE_INFINITY));
    assertEquals("0.125", NumberText.metric(0.125));
    assertEquals("0.0001", NumberText.param(1e-4));
    assertEquals("2.0", NumberText.param(2.0));
    assertEquals("1.0E150", NumberText.param(1e150));
    assertEquals("7", NumberText.param(7));
    assertEquals("relu", NumberText.param("relu"));
    assertEquals("2", NumberText.label(2.0));
    assertEquals("0.005", NumberText.label(0.005));
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
