package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shockscope.shock.SeriesData;

class PrefixFeaturesTest {
  private static final int N = 120;

  /** A run with a loss, a QK map norm, an unembedding norm, a layer norm and a mode. */
  private static List<SeriesData> run(Random rnd) {
    List<SeriesData> run = new ArrayList<>();
    run.add(series("loss", "", rnd, 1.0, -0.01));
    run.add(series("head0.qk/spectral_norm", "transformer.h.0.attn", rnd, 2.0, 0.002));
    run.add(series("lm_head.weight/spectral_norm", "lm_head.weight", rnd, 3.0, 0.001));
    run.add(series("fc1.weight/spectral_norm", "mlp.0", rnd, 1.5, 0.0));
    run.add(series("end_to_end/sv1", "chain", rnd, 0.1, 0.03));
    return run;
  }

  private static SeriesData series(String name, String group, Random rnd, double level,
                                   double rate) {
    long[] s = new long[N];
    double[] v = new double[N];
    for (int i = 0; i < N; i++) {
      s[i] = 10L * i;
      v[i] = level * Math.exp(rate * i) * (1 + 0.05 * rnd.nextGaussian());
    }
    return new SeriesData(name, group, s, v);
  }

  /** The same run with every sample after step t replaced by something else entirely. */
  private static List<SeriesData> withFuture(List<SeriesData> run, long t, Random rnd) {
    List<SeriesData> out = new ArrayList<>();
    for (SeriesData s : run) {
      double[] v = s.values().clone();
      for (int i = 0; i < v.length; i++) {
        if (s.steps()[i] > t) {
          int kind = rnd.nextInt(4);
          v[i] = kind == 0 ? Double.NaN : kind == 1 ? 1e12 * rnd.nextDouble()
              : kind == 2 ? -v[i] : v[i] * Math.exp(5 * rnd.nextGaussian());
        }
      }
      out.add(new SeriesData(s.name(), s.group(), s.steps(), v));
    }
    return out;
  }

  @Test
  void featuresAtAStepDoNotChangeWhenTheDataAfterItChanges() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 40; trial++) {
      List<SeriesData> run = run(rnd);
      long t = 10L * rnd.nextInt(N);
      double[] before = new PrefixFeatures(run).at(t);
      double[] after = new PrefixFeatures(withFuture(run, t, rnd)).at(t);
      assertArrayEquals(before, after, 0.0, "trial " + trial + " at step " + t);
      // between two logged steps too
      double[] between = new PrefixFeatures(withFuture(run, t, rnd)).at(t + 3);
      assertArrayEquals(new PrefixFeatures(run).at(t), between, 0.0, "step " + (t + 3));
    }
  }

  @Test
  void everyFeatureIsFiniteAndNamed() {
    Random rnd = new Random(12);
    List<SeriesData> run = withFuture(run(rnd), 500, rnd);
    PrefixFeatures f = new PrefixFeatures(run);
    assertEquals(PrefixFeatures.size(), PrefixFeatures.NAMES.size());
    for (long t = 0; t <= 10L * N; t += 10) {
      double[] x = f.at(t);
      assertEquals(PrefixFeatures.size(), x.length);
      for (int i = 0; i < x.length; i++) {
        assertTrue(Double.isFinite(x[i]) && Math.abs(x[i]) <= PrefixFeatures.CLIP,
            PrefixFeatures.NAMES.get(i) + " = " + x[i] + " at " + t);
      }
    }
  }

  @Test
  void seriesAreSortedIntoTheirFamilies() {
    Random rnd = new Random(13);
    List<SeriesData> run = run(rnd);
    assertEquals(List.of(SeriesFamily.LOSS, SeriesFamily.QK, SeriesFamily.UNEMBEDDING,
        SeriesFamily.SPECTRAL_NORM, SeriesFamily.MODE),
        run.stream().map(SeriesFamily::of).toList());
    assertEquals(SeriesFamily.OTHER,
        SeriesFamily.of(new SeriesData("head0.qk/stable_rank", "attn", new long[0],
            new double[0])));
    assertEquals(SeriesFamily.OTHER,
        SeriesFamily.of(new SeriesData("accuracy", "", new long[0], new double[0])));
  }

  @Test
  void anExplodingLossSteepensAndStandsOutOfItsNoise() {
    Random rnd = new Random(14);
    long[] s = new long[N];
    double[] v = new double[N];
    for (int i = 0; i < N; i++) {
      s[i] = 10L * i;
      v[i] = (i < 100 ? Math.exp(-0.01 * i) : Math.exp(-1 + 0.7 * (i - 100)))
          * (1 + 0.02 * rnd.nextGaussian());
    }
    PrefixFeatures f = new PrefixFeatures(List.of(new SeriesData("loss", "", s, v)));
    int slope = PrefixFeatures.NAMES.indexOf("loss.slope");
    int steep = PrefixFeatures.NAMES.indexOf("loss.steepening");
    int level = PrefixFeatures.NAMES.indexOf("loss.level");
    int z = PrefixFeatures.NAMES.indexOf("loss.jump_z");
    double[] quiet = f.at(900);
    double[] growing = f.at(1040);
    assertTrue(Math.abs(quiet[slope]) < 0.05, "quiet slope " + quiet[slope]);
    assertEquals(0.7, growing[slope], 0.05);
    assertTrue(growing[steep] > 0.3, "steepening " + growing[steep]);
    assertTrue(growing[level] > 2.0, "level " + growing[level]);
    assertTrue(growing[z] > 5.0 && Math.abs(quiet[z]) < 5.0,
        "z " + growing[z] + " vs quiet " + quiet[z]);
    assertEquals(1.0, growing[PrefixFeatures.NAMES.indexOf("loss.present")]);
    assertEquals(0.0, growing[PrefixFeatures.NAMES.indexOf("qk.present")]);
    assertEquals(Math.log1p(105), growing[PrefixFeatures.NAMES.indexOf("position")], 1e-12);
  }

  @Test
  void aNonFiniteSampleIsFlaggedFromItsStepOn() {
    long[] s = {0, 10, 20, 30};
    double[] v = {1.0, 1.1, Double.POSITIVE_INFINITY, Double.NaN};
    PrefixFeatures f = new PrefixFeatures(List.of(new SeriesData("loss", "", s, v)));
    int flag = PrefixFeatures.NAMES.indexOf("non_finite");
    assertEquals(0.0, f.at(19)[flag]);
    assertEquals(1.0, f.at(20)[flag]);
  }
}
