package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Nice ticks, log ticks, scale choice and the value ↔ position mapping. */
class AxisTest {
  private static List<String> labels(Axis a) {
    return a.ticks().stream().map(Axis.Tick::label).toList();
  }

  @Test
  void linearTicksAreNiceStepsCoveringTheData() {
    Axis a = Axis.linear(0, 97);
    assertEquals(List.of("0", "20", "40", "60", "80", "100"), labels(a));
    assertEquals(0, a.lo());
    assertEquals(100, a.hi());
    Axis b = Axis.linear(-3.2, 7.9);
    assertEquals(List.of("-4", "-2", "0", "2", "4", "6", "8"), labels(b));
    assertTrue(b.lo() <= -3.2 && b.hi() >= 7.9);
  }

  @Test
  void decimalTicksCarryNoFloatingPointResidue() {
    // 0.1 + 0.2 style residue (0.30000000000000004) must not reach a label
    assertEquals(List.of("0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"),
        labels(Axis.linear(0, 0.3)));
    assertEquals(List.of("1.2", "1.3", "1.4", "1.5", "1.6", "1.7"),
        labels(Axis.linear(1.23, 1.66)));
  }

  @Test
  void degenerateAndNonFiniteRangesStillGiveAnAxis() {
    Axis a = Axis.linear(5, 5);
    assertTrue(a.lo() < 5 && a.hi() > 5, a.lo() + " " + a.hi());
    Axis z = Axis.linear(0, 0);
    assertTrue(z.lo() < 0 && z.hi() > 0);
    Axis n = Axis.linear(Double.NaN, Double.NaN);
    assertEquals(0, n.lo());
    assertEquals(1, n.hi());
    Axis r = Axis.linear(10, 0);
    assertEquals(0, r.lo());
    assertEquals(10, r.hi());
  }

  @Test
  void logTicksSitOnDecades() {
    Axis a = Axis.log(3e-4, 0.5);
    assertTrue(a.isLog());
    assertEquals(List.of("1e-4", "0.001", "0.01", "0.1", "1"), labels(a));
    assertEquals(1e-4, a.lo(), 1e-18);
    assertEquals(1, a.hi(), 1e-12);
    assertEquals(0.5, a.fraction(Math.sqrt(1e-4 * 1)), 1e-12);
  }

  @Test
  void logTicksThinOutOverManyDecadesAndFillInWithinOne() {
    Axis wide = Axis.log(1e-20, 1e20);
    assertTrue(wide.ticks().size() <= Axis.MAX_LOG_TICKS, labels(wide).toString());
    assertTrue(wide.ticks().size() >= 3);
    Axis narrow = Axis.log(0.02, 0.09);
    List<String> l = labels(narrow);
    assertTrue(l.contains("0.02") && l.contains("0.05"), l.toString());
    Axis sliver = Axis.log(0.0201, 0.0209);
    assertTrue(sliver.ticks().size() >= 2, labels(sliver).toString());
    for (Axis.Tick t : sliver.ticks()) {
      assertTrue(t.value() >= sliver.lo() && t.value() <= sliver.hi());
    }
  }

  @Test
  void autoChoosesLogOnlyForPositiveDataSpanningTwoDecades() {
    assertTrue(Axis.auto(1, 100).isLog());
    assertFalse(Axis.auto(1, 99).isLog());
    assertFalse(Axis.auto(0, 1000).isLog());
    assertFalse(Axis.auto(-1, 1000).isLog());
    assertTrue(Axis.fit(new double[] {0.01, Double.NaN, 5}, new double[] {30}).isLog());
    // a log axis refuses what it cannot place
    Axis a = Axis.log(1, 1000);
    assertTrue(Double.isNaN(a.fraction(0)));
    assertTrue(Double.isNaN(a.fraction(-1)));
    assertFalse(a.accepts(0));
    assertEquals(10, a.value(a.fraction(10)), 1e-9);
  }

  @Test
  void linearFractionIsAffine() {
    Axis a = Axis.linear(0, 10);
    assertEquals(0, a.fraction(0), 0);
    assertEquals(0.25, a.fraction(2.5), 1e-15);
    assertEquals(1, a.fraction(10), 0);
    assertTrue(Double.isNaN(a.fraction(Double.POSITIVE_INFINITY)));
  }

  @Test
  void rangesIgnoreNonFiniteValues() {
    double[] r = Axis.range(new double[] {Double.NaN, 3, -2, Double.POSITIVE_INFINITY});
    assertEquals(-2, r[0]);
    assertEquals(3, r[1]);
    double[] p = Axis.positiveRange(new double[] {0, -1, 0.5, 8});
    assertEquals(0.5, p[0]);
    assertEquals(8, p[1]);
    assertTrue(Double.isNaN(Axis.range(new double[] {Double.NaN})[0]));
  }
}
