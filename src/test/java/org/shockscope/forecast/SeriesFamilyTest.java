package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.shockscope.shock.SeriesData;

class SeriesFamilyTest {
  private static SeriesData series(String group, String name) {
    return new SeriesData(name, group, new long[] {0}, new double[] {1});
  }

  @Test
  void namesAreSortedIntoTheirFamilies() {
    assertEquals(SeriesFamily.LOSS, SeriesFamily.of(series("", "val_loss")));
    assertEquals(SeriesFamily.OTHER, SeriesFamily.of(series("", "accuracy")));
    assertEquals(SeriesFamily.QK, SeriesFamily.of(series("h.0.attn", "head3.qk/spectral_norm")));
    assertEquals(SeriesFamily.UNEMBEDDING,
        SeriesFamily.of(series("lm_head.weight", "lm_head.weight/spectral_norm")));
    assertEquals(SeriesFamily.SPECTRAL_NORM, SeriesFamily.of(series("fc", "fc1/spectral_norm")));
    assertEquals(SeriesFamily.SPECTRAL_NORM, SeriesFamily.of(series("fc", "spectral_norm")));
    assertEquals(SeriesFamily.MODE, SeriesFamily.of(series("fc", "fc1.weight/sv12")));
    assertEquals(SeriesFamily.OTHER, SeriesFamily.of(series("fc", "fc1.weight/sv")));
    assertEquals(SeriesFamily.OTHER, SeriesFamily.of(series("fc", "stable_rank")));
  }

  @Test
  void modeNamesAreThoseThePatternMatrixSlashSvDigitsMatches() {
    Pattern mode = Pattern.compile(".*/sv[0-9]+");
    String alphabet = "/sv0123x.";
    Random random = new Random(7);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(9);
      for (int i = 0; i < len; i++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String name = b.toString();
      assertEquals(mode.matcher(name).matches(), SeriesFamily.isModeName(name), name);
    }
  }
}
