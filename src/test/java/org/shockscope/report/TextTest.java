package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.shockscope.Quantiles;

/** Escaping and number formatting of everything written into the page. */
class TextTest {
  @Test
  void escapeReplacesEveryMetacharacter() {
    assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
        Html.escape("<script>alert('x')</script> & \"q\""));
    assertEquals("", Html.escape(null));
    String plain = "run-17 lr=0.01";
    assertSame(plain, Html.escape(plain));
    assertEquals("a\uFFFDb\tc\nd", Html.escape("a\u0001b\tc\nd"));
    assertEquals("&amp;amp;", Html.escape("&amp;"));
  }

  @Test
  void shortenKeepsShortTextAndMarksCuts() {
    assertEquals("abc", Html.shorten("abc", 3));
    assertEquals("ab\u2026", Html.shorten("abcd", 3));
  }

  @Test
  void compactNumbers() {
    assertEquals("0", NumberLabels.compact(0));
    assertEquals("0.001", NumberLabels.compact(0.001));
    assertEquals("2.5e-5", NumberLabels.compact(2.5e-5));
    assertEquals("1235", NumberLabels.compact(1234.5678));
    assertEquals("0.3", NumberLabels.compact(0.1 + 0.2));
    assertEquals("1.2e6", NumberLabels.compact(1.2e6));
    assertEquals("-42", NumberLabels.compact(-42));
    assertEquals("NaN", NumberLabels.compact(Double.NaN));
    assertEquals("inf", NumberLabels.compact(Double.POSITIVE_INFINITY));
    for (double v : new double[] {3.14159e-9, 0.0123, 77.7, 6.02e23, -1e-4}) {
      assertEquals(v, Double.parseDouble(NumberLabels.compact(v, 17)), Math.abs(v) * 1e-15);
    }
  }

  @Test
  void exactNumbersRoundTrip() {
    assertEquals("64", NumberLabels.exact(64.0));
    assertEquals("0.003", NumberLabels.exact(0.003));
    assertEquals("1e-7", NumberLabels.exact(1e-7));
    assertEquals("0.1", NumberLabels.exact(0.1));
    for (double v : new double[] {0.1 + 0.2, 1e-12, 123456789.125, 3e20}) {
      assertEquals(v, Double.parseDouble(NumberLabels.exact(v)));
    }
  }

  @Test
  void levelLabelsAreRoundedButKeepLevelsApart() {
    Map<String, String> l = NumberLabels.levelLabels(List.of("0.035631715873272775",
        "0.10689514761981833", "24", "1e-4", "relu", ReportData.MISSING));
    assertEquals("0.0356", l.get("0.035631715873272775"));
    assertEquals("0.107", l.get("0.10689514761981833"));
    assertEquals("24", l.get("24"));
    assertEquals("1e-4", l.get("1e-4"));
    assertEquals("relu", l.get("relu"));
    assertEquals(ReportData.MISSING, l.get(ReportData.MISSING));
    // three digits would merge these two: as many as keep them apart
    Map<String, String> close = NumberLabels.levelLabels(List.of("0.012341", "0.012349", "0.5"));
    assertEquals("0.01234", close.get("0.012341"));
    assertEquals("0.01235", close.get("0.012349"));
    assertEquals("0.5", close.get("0.5"));
  }

  @Test
  void percentagesAndCounts() {
    assertEquals("42%", NumberLabels.percent(0.4213));
    assertEquals("4.5%", NumberLabels.percent(0.045));
    assertEquals("0%", NumberLabels.percent(0));
    assertEquals("100%", NumberLabels.percent(1));
    assertEquals("\u2013", NumberLabels.percent(Double.NaN));
    assertEquals("12,345", NumberLabels.count(12345));
  }

  @Test
  void wilsonIntervalMatchesTheClosedForm() {
    // k = 5, n = 12: p̂ = 0.4167, Wilson 95% interval [0.1933, 0.6805] (e.g. R binom.confint)
    WilsonInterval w = WilsonInterval.of(5, 12);
    assertEquals(5.0 / 12, w.rate(), 1e-15);
    assertEquals(0.19325, w.lo(), 1e-4);
    assertEquals(0.68049, w.hi(), 1e-4);
    WilsonInterval none = WilsonInterval.of(0, 10);
    assertEquals(0, none.lo(), 1e-15);
    assertEquals(0.27753, none.hi(), 1e-4);
    assertEquals(true, Double.isNaN(WilsonInterval.of(0, 0).rate()));
  }

  @Test
  void quantilesInterpolateLinearly() {
    Quantiles q = Quantiles.of(new double[] {4, 1, Double.NaN, 3, 2});
    assertEquals(4, q.size());
    assertEquals(1, q.at(0));
    assertEquals(2.5, q.at(0.5), 1e-15);
    assertEquals(1.3, q.at(0.1), 1e-12);
    assertEquals(4, q.at(1));
    assertEquals(true, Double.isNaN(Quantiles.of(new double[0]).at(0.5)));
  }
}
