package org.shockscope.shock;

import java.util.ArrayList;
import java.util.List;
import org.shockscope.OrderStatistics;

/**
 * Finds jumps (viscous-shock fronts) in one series and characterises each by the tanh profile.
 *
 * <ol>
 *   <li>Candidates: {@link StepScan} at scales h = 3, 6, 12, … samples (the largest with
 *       windows cut by the series' ends), its χ² statistic normalised by the local noise variance
 *       ({@link #localNoiseVariance}) and scaled by the series' AR(1) factor (1−ρ)/(1+ρ);
 *       candidates below {@link #SCREEN_SHARE} × {@link DetectorConfig#minEvidence} are not
 *       fitted, nor are those whose scan window contains a front already accepted.</li>
 *   <li>A fit whose front runs into the first (last) minSupport samples marks the series'
 *       initial (final) transient, up to t_s + 2w or its own split (from t_s − 2w or the
 *       split); later candidates inside it are skipped: a monotone start or end of a run is not
 *       a shock, and fitting it again from another scale finds the same thing.</li>
 *   <li>Before fitting, an upper bound of the evidence from the smooth trends alone (see
 *       {@link #evidenceBound}) skips windows where a trend already fits to the resolution.</li>
 *   <li>Strongest first, each candidate is fitted by {@link ViscousShockFit} on the window of
 *       ±2h samples around its split, thinned to at most 64 samples (localisation), then
 *       refitted on all samples of t_s ± max(6w, m samples) with m = clamp(h, 30, 128), again
 *       as long as w changes the window (at most 4 times), so that both plateaus are in view.
 *       Windows never reach into the front (t_s ± 2w) of a jump already accepted.</li>
 *   <li>Evidence E = C_trend − C_profile with the corrected BIC
 *       C = (n_eff/n)·n·ln((RSS + n·f)/n) + k·ln(n_eff) (f the resolution variance, k = 5 for the
 *       profile, the best of the {@link SmoothTrendFit} trends on the same window). n_eff/n is
 *       the inverse of the larger of two long-run variance factors: the series' AR(1) factor
 *       (1+ρ)/(1−ρ) (ρ from the residuals of the spike baseline: a flexible fit on a short window
 *       absorbs the noise's memory and would understate it) and the Bartlett factor of the
 *       profile's residuals with a bandwidth of w in samples
 *       ({@link ViscousShockFit#longRunFactor}), for slower wander at the front's own scale
 *       (the AR(1) factor alone for a front carrying half the range of a noise-free metric on
 *       its linear scale, where the search allows it: {@code dominantFronts} of {@link #find}).</li>
 *   <li>Accepted when E ≥ minEvidence; w ≤ maxWidthFraction·span; t_s inside the window with
 *       minSupport samples beyond t_s ± 2w on each side, or, for a front the series' end cuts
 *       off (where the search allows it), data reaching t_s + w with 2·minSupport
 *       samples after t_s, or, for a front near the start of a run-level metric (where the
 *       search allows it), one sample before t_s − 2w and minSupport before t_s − w; the
 *       background slope changes the level
 *       by at most a quarter of |J| across the front's 4w (otherwise tanh + line is mimicking the
 *       flank of a wiggle); and |J| ≥ minStrength·σ.</li>
 * </ol>
 *
 * <p>Stateful (its kernels own workspaces); not thread-safe.
 */
final class JumpFinder {
  /** An accepted jump on the detection scale. */
  record Jump(double center, double width, double level, double jump, double lo, double hi,
              double strength, double evidence, double score) {}

  /** Windows extend this many widths either side of t_s. */
  static final double WINDOW_WIDTHS = 6.0;
  /** Fronts occupy t_s ± this many widths. */
  static final double FRONT_WIDTHS = 2.0;
  private static final int MIN_WINDOW_SAMPLES = 30;
  /** Context beyond the front used at most, in samples per side (besides the 6w reach). */
  private static final int MAX_CONTEXT_SAMPLES = 128;
  /** The first, localising fit is thinned to at most this many samples. */
  private static final int FIRST_FIT_SAMPLES = 64;
  private static final int MAX_REFITS = 6;
  private static final int CANDIDATES_PER_SCALE = 6;
  /**
   * Candidates are fitted from this share of minEvidence on. The scan is a screen, the fit's
   * evidence the test: a step plus quadratic describes a front worse than the tanh profile, and
   * the quadratic absorbs part of a front near its window's end, so the screen's statistic can
   * fall short of the evidence the fit then finds (a loss logged 39 times whose one front
   * scanned at 19.7 had evidence 26.9 against a threshold of 20). A half found no more fronts
   * than three quarters on short synthetic logs and took 30% more time in
   * {@code DetectorTimingCheck}.
   */
  static final double SCREEN_SHARE = 0.75;
  /** z of a two-sided 95% interval, rounded. */
  private static final double INTERVAL_Z = 2.0;
  private static final double MAX_LAG1 = 0.98;
  /** Smallest block of the local noise scale, in samples. */
  private static final int LOCAL_NOISE_BLOCK = 10;
  /** Largest background change over the front's 4w, as a fraction of |J|. */
  private static final double MAX_BACKGROUND_SHARE = 0.25;
  /** Residual variance, in local noise variances, up to which a fit describes its window. */
  private static final double DESCRIBES_FACTOR = 4.0;
  /** Largest long-run variance factor trusted (n_eff ≥ n/100). */
  private static final double MAX_FACTOR = 100.0;
  /**
   * A front cut by the end of the series counts when the data reach this many widths past its
   * centre: the profile has bent over (88% of J done at t_s + w), so J and t_s are measured,
   * not extrapolated from an accelerating flank.
   */
  static final double TAIL_FRONT_WIDTHS = 1.0;

  private final StepScan scan = new StepScan();
  private double[] pseudo = new double[0];
  private double[] blockWork = new double[0];
  private double[] localVar = new double[0];
  private double[] prefix = new double[0];
  private double[] zoneLo = new double[0];
  private double[] zoneHi = new double[0];
  private final ViscousShockFit fit = new ViscousShockFit();
  private final SmoothTrendFit trend = new SmoothTrendFit();
  /** (1+ρ)/(1−ρ) of the series' noise, ρ its lag-1 autocorrelation: the AR(1) long-run factor. */
  private double noiseFactor = 1.0;
  /**
   * End of the initial transient and start of the final one, from fits that ran into the
   * series' edges; candidates whose split lies inside are skipped.
   */
  private double edgeHead;
  private double edgeTail;
  /** Whether fronts cut by the series' end may count in this search ({@link #cutByEnd}). */
  private boolean cutFronts;
  /** Whether a front near the start may stand on an onset resolved within 2w ({@link #headSupported}). */
  private boolean earlyOnsets;
  /** Largest minus smallest value of the series searched (measured when dominantFronts). */
  private double seriesRange;
  /** Whether a dominant front of a noise-free series skips the residuals' long-run factor. */
  private boolean dominantFronts;
  /** The white-noise scale of the series being searched (σ of {@link #find}). */
  private double whiteSd;
  /**
   * Share of a noise-free series' range a front carries at least to be judged without its
   * residuals' long-run factor (where the search allows it).
   */
  static final double DOMINANT_SHARE = 0.5;
  /** Accepted fronts as sample-index ranges [zoneLo[k], zoneHi[k]]. */
  private final List<int[]> zones = new ArrayList<>();

  /**
   * @param t         sample times; input
   * @param x         finite values on the detection scale (spikes cleaned); input
   * @param n         number of samples
   * @param noiseSd   white-noise scale (pseudo-residuals, at least the resolution), for strength
   * @param levelSd   noise scale around the series' local level (≥ noiseSd), for the scan
   * @param floorVar  resolution variance floor
   * @param lag1      lag-1 autocorrelation of the series' noise, for the scan
   * @param known     fronts already found on another scale of the same series: they bound the
   *                  windows like accepted fronts and explain the candidates around them
   * @param cutFronts whether a front the series' end cuts off may count
   *                  ({@link #TAIL_FRONT_WIDTHS})
   * @param earlyOnsets whether a front near the start may stand on an onset resolved within
   *                  2w ({@link #headSupported})
   * @param dominantFronts whether a front carrying at least {@link #DOMINANT_SHARE} of the
   *                  range of a series whose noise is at its resolution (noiseSd² ≤ floorVar)
   *                  has n_eff/n from the series' AR(1) factor alone. The Bartlett factor of
   *                  the profile's residuals is there for wanders at the front's own scale; a
   *                  noise-free curve has none, and its residuals are the tanh's misfit of the
   *                  front's shape (a deep linear mode's loss falling by 90% of its range in
   *                  twenty samples: a factor near 10). For the linear scale of a run-level
   *                  metric, where its first mode's fall is the largest change the run makes
   *                  (on the log scale a decay into the last decades carries as much)
   */
  List<Jump> find(double[] t, double[] x, int n, double noiseSd, double levelSd,
                  double floorVar, double lag1, List<Jump> known, boolean cutFronts,
                  boolean earlyOnsets, boolean dominantFronts, DetectorConfig cfg) {
    this.dominantFronts = dominantFronts;
    this.whiteSd = noiseSd;
    this.cutFronts = cutFronts;
    this.earlyOnsets = earlyOnsets;
    List<Jump> out = new ArrayList<>();
    zones.clear();
    for (Jump j : known) {
      addZone(t, n, j);
    }
    edgeHead = Double.NEGATIVE_INFINITY;
    edgeTail = Double.POSITIVE_INFINITY;
    // A change of RSS by 1% of one sample's resolution variance moves the evidence by < 0.01.
    fit.setRssResolution(0.01 * floorVar);
    double span = t[n - 1] - t[0];
    if (dominantFronts) {
      seriesRange = RobustOps.range(x, n);
    }
    if (n < 2 * (cfg.minSupport() + 2) || !(span > 0.0)) {
      return out;
    }
    double rho = Math.min(Math.max(lag1, 0.0), MAX_LAG1);
    double eff = (1.0 - rho) / (1.0 + rho);
    noiseFactor = 1.0 / eff;
    List<StepScan.Candidate> candidates =
        scan.scan(x, n, localNoiseVariance(t, x, n, noiseSd, levelSd), eff,
            SCREEN_SHARE * cfg.minEvidence(), CANDIDATES_PER_SCALE);
    int tried = 0;
    for (StepScan.Candidate c : candidates) {
      if (tried >= cfg.maxCandidates()) {
        break;
      }
      int i = c.split();
      if (explained(t, n, i, c.halfWidth(), out) || explained(t, n, i, c.halfWidth(), known)
          || t[i] <= edgeHead || t[i - 1] >= edgeTail) {
        continue;
      }
      tried++;
      Jump j = fitCandidate(t, x, n, i, c.halfWidth(), span, noiseSd, floorVar, cfg);
      if (j != null) {
        out.add(j);
        addZone(t, n, j);
      }
    }
    out.removeIf(j -> !beyondWander(t, x, n, j, out, known));
    out.sort((a, b) -> Double.compare(a.center(), b.center()));
    return out;
  }

  /**
   * Whether a jump stands out of the series' own wander at its scale, given how many places of
   * that scale the series has: |J| ≥ z·s ({@link RobustOps#wander} across the front's 4w between
   * blocks of its 2w of plateau, {@link RobustOps#wanderFactor} for the span of both), the
   * differences taken away from every found front (t_c ± 2w). White noise gives σ·√(2/B), far
   * below a front the fit could tell from noise; a random walk (weights that wander, SGD noise
   * with memory) gives a scale growing with the span, so its excursions across a front's span
   * are no evidence of a front however many white-noise σ they measure.
   */
  private boolean beyondWander(double[] t, double[] x, int n, Jump j, List<Jump> found,
                               List<Jump> others) {
    double gap = (t[n - 1] - t[0]) / (n - 1);
    int lag = Math.max(1, (int) Math.round(2.0 * FRONT_WIDTHS * j.width() / gap));
    int block = Math.max(1, (int) Math.round(FRONT_WIDTHS * j.width() / gap));
    if (lag + 2 * block >= n) {
      return true;
    }
    int zones = found.size() + others.size();
    if (zoneLo.length < zones) {
      zoneLo = new double[2 * zones];
      zoneHi = new double[2 * zones];
    }
    int k = 0;
    for (List<Jump> list : List.of(found, others)) {
      for (Jump f : list) {
        zoneLo[k] = f.center() - FRONT_WIDTHS * f.width();
        zoneHi[k++] = f.center() + FRONT_WIDTHS * f.width();
      }
    }
    if (prefix.length < n + 1) {
      prefix = new double[2 * n + 1];
    }
    // A front wide for its series leaves few places of its own span away from the fronts: the
    // wander is then measured at smaller spans and extrapolated (RobustOps.wanderAtSpan).
    double scale = RobustOps.wanderAtSpan(t, x, n, lag, block, whiteSd, zoneLo, zoneHi, zones,
        medianWork(n), prefix);
    return !(Math.abs(j.jump()) < RobustOps.wanderFactor(n, lag + 2 * block) * scale);
  }

  private Jump fitCandidate(double[] t, double[] x, int n, int split, int h, double span,
                            double noiseSd, double floorVar, DetectorConfig cfg) {
    int lb = leftBound(split);
    int rb = rightBound(split, n);
    int lo = Math.max(lb, split - 2 * h);
    int hi = Math.min(rb, split + 2 * h);
    if (split - lo < cfg.minSupport() + 1 || hi - split < cfg.minSupport() + 1) {
      return null;
    }
    if (evidenceBound(t, x, lo, hi, floorVar) < cfg.minEvidence()) {
      return null;
    }
    int q = Math.max(1, h / 2);
    double cLo = t[Math.max(lo, split - q)];
    double cHi = t[Math.min(hi - 1, split + q - 1)];
    int stride = Math.max(1, (hi - lo + FIRST_FIT_SAMPLES - 1) / FIRST_FIT_SAMPLES);
    if (!fit.fit(t, x, lo, hi, cLo, cHi, FIRST_FIT_SAMPLES)
        || !plausible(t, n, span, t[split - 1], t[split], lo, hi, cfg)) {
      return null;
    }
    // Grow the window to the front's own scale (a front wider than the first window was seen
    // only in part), at most MAX_REFITS times.
    int m = Math.max(Math.min(h, MAX_CONTEXT_SAMPLES), MIN_WINDOW_SAMPLES);
    for (int round = 0; round < MAX_REFITS; round++) {
      double ts = fit.center();
      double reach = WINDOW_WIDTHS * fit.width();
      int k = lastAtOrBefore(t, n, ts);
      // Another change in the window's flanks would be fitted as part of this front (or hide it
      // behind a long-run variance inflated by the unexplained step): the window stops there.
      int frontLo = firstAtOrAfterOrLast(t, n, ts - FRONT_WIDTHS * fit.width());
      int frontHi = lastAtOrBefore(t, n, ts + FRONT_WIDTHS * fit.width());
      int cut = flankChange(t, x, lo, Math.min(frontLo, k), cfg);
      if (cut > lb) {
        lb = cut;
      }
      cut = flankChange(t, x, Math.max(frontHi, k) + 1, hi, cfg);
      if (cut >= 0 && cut < rb) {
        rb = cut;
      }
      int lo2 = Math.min(k - m + 1, firstAtOrAfterOrLast(t, n, ts - reach));
      int hi2 = Math.max(k + 1 + m, lastAtOrBefore(t, n, ts + reach) + 1);
      lo2 = Math.max(lb, Math.max(0, lo2));
      hi2 = Math.min(rb, Math.min(n, hi2));
      if (lo2 == lo && hi2 == hi && stride == 1) {
        break;
      }
      // After a thinned fit the front is known to ±stride samples: start wide enough to cover.
      double minWidth = stride == 1 ? 0.0
          : 0.5 * (t[Math.min(n - 1, k + stride)] - t[Math.max(0, k - stride + 1)]);
      stride = 1;
      if (!fit.refit(t, x, lo2, hi2, minWidth)
          || !plausible(t, n, span, t[split - 1], t[split], lo2, hi2, cfg)) {
        return null;
      }
      lo = lo2;
      hi = hi2;
    }
    return evaluate(t, x, n, lo, hi, span, noiseSd, floorVar, cfg);
  }

  /**
   * Whether the current fit describes its window [lo, hi): its residual variance per sample is
   * at most {@link #DESCRIBES_FACTOR} times the mean local noise variance there.
   */
  private boolean describes(int lo, int hi) {
    double var = 0.0;
    for (int i = lo; i < hi; i++) {
      var += localVar[i];
    }
    return fit.rss() / Math.max(1, fit.count()) <= DESCRIBES_FACTOR * var / (hi - lo);
  }

  /**
   * The split of the strongest change of level in the current fit's residuals on [from, to)
   * (a flank of the window, outside the front), or −1 when none is significant: the largest
   * two-sample statistic (r̄_a − r̄_b)²·n_a·n_b/(n_a + n_b) over the splits leaving
   * minSupport samples either side, over the local noise variance inflated by the series'
   * long-run factor, must reach minEvidence + 2·ln(to − from) (the maximum of that many χ²₁
   * statistics of white noise stays below 2·ln n + O(ln ln n)).
   */
  private int flankChange(double[] t, double[] x, int from, int to, DetectorConfig cfg) {
    int count = to - from;
    int support = cfg.minSupport();
    if (count < 2 * support + 1) {
      return -1;
    }
    double ts = fit.center();
    double w = fit.width();
    double total = 0.0;
    double var = 0.0;
    for (int i = from; i < to; i++) {
      total += residualAt(t[i], x[i], ts, w);
      var += localVar[i];
    }
    var = var / count * noiseFactor;
    double left = 0.0;
    double best = 0.0;
    int split = -1;
    for (int i = from; i < to - 1; i++) {
      left += residualAt(t[i], x[i], ts, w);
      int a = i - from + 1;
      int b = count - a;
      if (a < support || b < support) {
        continue;
      }
      double diff = left / a - (total - left) / b;
      double stat = diff * diff * a * b / (double) count;
      if (stat > best) {
        best = stat;
        split = i + 1;
      }
    }
    return best / var >= cfg.minEvidence() + 2.0 * Math.log(count) ? split : -1;
  }

  private double residualAt(double ti, double xi, double ts, double w) {
    double z = (ti - ts) / w;
    return xi - (fit.level() + fit.slope() * (ti - ts) + 0.5 * fit.jump() * ViscousShockFit.tanh(z));
  }

  /**
   * An upper bound of the evidence any profile can reach on [lo, hi), from the trends alone: the
   * profile's RSS is at least 0 and its penalty at least one parameter more than a cubic's, so
   * E ≤ (n_eff/n)·n·ln((RSS_trend + n·f)/(n·f)) − ln 6 with n_eff/n at most the series' noise
   * factor. Where smooth trends already fit to the resolution (noise-free decays) no tanh fit is
   * tried. Long windows are looked at on at most 64 thinned samples, the residual variance per
   * sample standing for the whole window's (the bound only ever binds on near noise-free data,
   * where that is accurate).
   */
  private double evidenceBound(double[] t, double[] x, int lo, int hi, double floorVar) {
    int count = hi - lo;
    int stride = Math.max(1, (count + FIRST_FIT_SAMPLES - 1) / FIRST_FIT_SAMPLES);
    int used = (count + stride - 1) / stride;
    trend.bestCriterion(t, x, lo, hi, stride, floorVar, 1.0, Math.log(used));
    // Per-sample residual variance of the thinned window stands for the whole window's.
    double f = floorVar + Double.MIN_NORMAL;
    return count / noiseFactor * Math.log((trend.minRss() / used + f) / f) - Math.log(6.0);
  }

  /**
   * Necessary conditions on the series as a whole, checked before any refit: the front is no
   * wider than allowed and the series has minSupport samples beyond t_s ± 2w on each side.
   */
  private boolean plausible(double[] t, int n, double span, double splitLo, double splitHi,
                            int lo, int hi, DetectorConfig cfg) {
    double ts = fit.center();
    double w = fit.width();
    if (w > cfg.maxWidthFraction() * span) {
      return false;
    }
    double left = ts - FRONT_WIDTHS * w;
    double right = ts + FRONT_WIDTHS * w;
    int before = lastAtOrBefore(t, n, left);
    int after = firstAtOrAfterOrLast(t, n, right);
    boolean head = before >= cfg.minSupport() - 1 && t[before] < left
        || headSupported(t, 0, n, ts, w, cfg);
    boolean tail = n - after >= cfg.minSupport() && t[after] > right;
    // A front that runs into the first (last) samples is the series' initial (final) transient,
    // and so is the split that led to it: later candidates inside would only fit it again. Only
    // a fit that describes its window does so: one wide front fitted across several (a
    // staircase seen from a coarse scale) would hide every front it spans.
    if ((!head || !tail) && describes(lo, hi)) {
      if (!head) {
        edgeHead = Math.max(edgeHead, Math.max(right, splitHi));
      }
      if (!tail) {
        edgeTail = Math.min(edgeTail, Math.min(left, splitLo));
      }
    }
    return head && (tail || cutByEnd(t, n, ts, w, cfg));
  }

  /**
   * Whether a front whose upper plateau the series' end cuts off is still measured: the data
   * reach {@link #TAIL_FRONT_WIDTHS} widths past t_s with 2·minSupport samples after t_s. A mode
   * learned late in a run (a deep linear chain's last singular value) ends the run on its front;
   * a decay or an accelerating rise at the end has no centre that far inside the data.
   */
  private boolean cutByEnd(double[] t, int n, double ts, double w, DetectorConfig cfg) {
    if (!cutFronts || !(t[n - 1] >= ts + TAIL_FRONT_WIDTHS * w)) {
      return false;
    }
    int k = lastAtOrBefore(t, n, ts);
    return n - 1 - k >= 2 * cfg.minSupport();
  }

  /**
   * Whether a front whose lower plateau has fewer than minSupport samples before t_s − 2w still
   * has its onset in the data: at least one sample before t_s − 2w and minSupport before
   * t_s − w, where the profile has made at most 12% of its change. Only where allowed
   * ({@code earlyOnsets}: a run-level metric, logged from the run's start): a loss that leaves
   * its initial plateau within the first few logged samples (a mode learned early in a short
   * run) shows that plateau at its first two samples, while a decay from the first step (an
   * initial transient) has changed most between the first two. Weight series are held to
   * minSupport: a student's norms grow out of their initialisation in a front of their own
   * that is no transition of the run.
   */
  private boolean headSupported(double[] t, int lo, int hi, double ts, double w,
                                DetectorConfig cfg) {
    if (!earlyOnsets) {
      return false;
    }
    int outside = 0;
    int beforeOnset = 0;
    for (int i = lo; i < hi && t[i] < ts - w; i++) {
      beforeOnset++;
      if (t[i] < ts - FRONT_WIDTHS * w) {
        outside++;
      }
    }
    return outside >= 1 && beforeOnset >= cfg.minSupport();
  }

  /** Applies the acceptance rules to the current fit on [lo, hi). */
  private Jump evaluate(double[] t, double[] x, int n, int lo, int hi, double span,
                        double noiseSd, double floorVar, DetectorConfig cfg) {
    double ts = fit.center();
    double w = fit.width();
    if (!(ts > t[lo] && ts < t[hi - 1]) || w > cfg.maxWidthFraction() * span) {
      return null;
    }
    int left = 0;
    int right = 0;
    for (int i = lo; i < hi; i++) {
      if (t[i] < ts - FRONT_WIDTHS * w) {
        left++;
      } else if (t[i] > ts + FRONT_WIDTHS * w) {
        right++;
      }
    }
    if (left < cfg.minSupport() && !headSupported(t, lo, hi, ts, w, cfg)
        || right < cfg.minSupport() && !(hi == n && cutByEnd(t, n, ts, w, cfg))) {
      return null;
    }
    // The front must dominate the background across it: a slope that undoes (or doubles) a large
    // part of J over 4w means the "front" is the flank of a wiggle that tanh + line can mimic.
    double background = Math.abs(fit.slope()) * 2.0 * FRONT_WIDTHS * w;
    if (background > MAX_BACKGROUND_SHARE * Math.abs(fit.jump())) {
      return null;
    }
    double strength = Math.abs(fit.jump()) / noiseSd;
    if (strength < cfg.minStrength()) {
      return null;
    }
    int count = hi - lo;
    double resVar = fit.rss() / count;
    int bandwidth = Math.max(1, (int) Math.round(w * (count - 1) / (t[hi - 1] - t[lo])));
    // The window's residuals understate the noise's memory (a flexible fit on a short window
    // absorbs it), so the series-wide AR(1) factor is a floor.
    boolean dominant = dominantFronts && noiseSd * noiseSd <= 1.0001 * floorVar
        && Math.abs(fit.jump()) >= DOMINANT_SHARE * seriesRange;
    double eff = dominant ? 1.0 / noiseFactor : 1.0 / Math.max(noiseFactor,
        fit.longRunFactor(bandwidth, resVar / (resVar + floorVar), MAX_FACTOR));
    double nEff = Math.max(eff * count, ViscousShockFit.PARAMETERS + 1.0);
    double lnNEff = Math.log(nEff);
    double profile = SmoothTrendFit.criterion(fit.rss(), count, ViscousShockFit.PARAMETERS,
        floorVar, eff, lnNEff);
    double smooth = trend.bestCriterion(t, x, lo, hi, floorVar, eff, lnNEff);
    double evidence = smooth - profile;
    if (!(evidence >= cfg.minEvidence())) {
      return null;
    }
    int k = lastAtOrBefore(t, n, ts);
    double gapLo = t[k];
    double gapHi = t[Math.min(n - 1, k + 1)];
    boolean unresolved = w < gapHi - gapLo;
    double width = unresolved ? gapHi - gapLo : w;
    double lo95 = gapLo;
    double hi95 = gapHi;
    double se = fit.centerStdError();
    if (!unresolved && Double.isFinite(se)) {
      double half = INTERVAL_Z * se * Math.sqrt(1.0 / eff);
      lo95 = Math.max(t[0], Math.min(lo95, ts - half));
      hi95 = Math.min(t[n - 1], Math.max(hi95, ts + half));
    }
    double score = 1.0 / (1.0 + Math.exp(-0.5 * (evidence - cfg.minEvidence())));
    return new Jump(ts, width, fit.level(), fit.jump(), lo95, hi95, strength, evidence, score);
  }

  /**
   * The noise variance around each sample: the local white-noise scale, 1.4826 × the median of
   * the absolute pseudo-residuals ({@link RobustOps#noiseScale}) in blocks of max(10, n/50)
   * samples, interpolated linearly between block centres; inflated by the series-wide ratio
   * (levelSd/noiseSd)² of the noise around the level to the white noise (memory); floored at
   * 1% of the series' white-noise variance. A loss's noise shrinks with the loss: judged
   * against one series-wide scale, its early, noisy part would look full of steps.
   */
  private double[] localNoiseVariance(double[] t, double[] x, int n, double noiseSd,
                                      double levelSd) {
    if (pseudo.length < n) {
      int cap = Math.max(n, 2 * pseudo.length);
      pseudo = new double[cap];
      localVar = new double[cap];
    }
    for (int i = 1; i < n - 1; i++) {
      pseudo[i] = Math.abs(RobustOps.pseudoResidual(t, x, i));
    }
    pseudo[0] = pseudo[Math.min(1, n - 1)];
    pseudo[n - 1] = pseudo[Math.max(0, n - 2)];
    int block = Math.max(LOCAL_NOISE_BLOCK, n / 50);
    int blocks = Math.max(1, n / block);
    double memory = (levelSd * levelSd) / (noiseSd * noiseSd);
    double floor = 0.01 * noiseSd * noiseSd;
    // Block medians go to localVar[k] for now (k < blocks ≤ n), then are spread over samples
    // from the last sample backwards, which never overwrites a block not yet used.
    for (int k = 0; k < blocks; k++) {
      int from = k * block;
      int to = k == blocks - 1 ? n : from + block;
      double s = RobustOps.MAD_TO_SIGMA
          * OrderStatistics.median(pseudo, from, to, medianWork(to - from));
      localVar[k] = Math.max(s * s * memory, floor);
    }
    double last = blocks == 1 ? 0.5 * n
        : (blocks - 1) * block + 0.5 * (n - (blocks - 1) * block);
    for (int i = n - 1; i >= 0; i--) {
      double pos = (i + 0.5 - 0.5 * block) / block;
      int k = (int) Math.floor(pos);
      double v;
      if (pos <= 0.0 || blocks == 1) {
        v = localVar[0];
      } else if (k >= blocks - 1 || i + 0.5 >= last) {
        v = localVar[blocks - 1];
      } else {
        double f = pos - k;
        v = (1.0 - f) * localVar[k] + f * localVar[k + 1];
      }
      localVar[i] = v;
    }
    return localVar;
  }

  private double[] medianWork(int size) {
    if (blockWork.length < size) {
      blockWork = new double[Math.max(size, 2 * blockWork.length)];
    }
    return blockWork;
  }

  /**
   * Whether a candidate is already explained by an accepted front: its split lies inside the
   * front, or the front's centre lies inside the candidate's scan window (the scan statistic
   * then measured that front, seen from a shifted window).
   */
  private boolean explained(double[] t, int n, int split, int h, List<Jump> accepted) {
    for (int[] z : zones) {
      if (split > z[0] && split <= z[1]) {
        return true;
      }
    }
    double from = t[Math.max(0, split - h)];
    double to = t[Math.min(n - 1, split + h - 1)];
    for (Jump j : accepted) {
      if (j.center() >= from && j.center() <= to) {
        return true;
      }
    }
    return false;
  }

  private int leftBound(int split) {
    int b = 0;
    for (int[] z : zones) {
      if (z[1] < split) {
        b = Math.max(b, z[1] + 1);
      }
    }
    return b;
  }

  private int rightBound(int split, int n) {
    int b = n;
    for (int[] z : zones) {
      if (z[0] >= split) {
        b = Math.min(b, z[0]);
      }
    }
    return b;
  }

  private void addZone(double[] t, int n, Jump j) {
    double reach = FRONT_WIDTHS * j.width();
    int k = lastAtOrBefore(t, n, j.center());
    int a = Math.min(k, firstAtOrAfterOrLast(t, n, j.center() - reach));
    int b = Math.max(Math.min(n - 1, k + 1), lastAtOrBefore(t, n, j.center() + reach));
    zones.add(new int[] {a, b});
  }

  /** Largest index with t ≤ x (0 when none). */
  static int lastAtOrBefore(double[] t, int n, double x) {
    int lo = 0;
    int hi = n - 1;
    if (t[0] > x) {
      return 0;
    }
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (t[mid] <= x) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Smallest index with t ≥ x, or the last index (n − 1) when none: an index of a sample. */
  static int firstAtOrAfterOrLast(double[] t, int n, double x) {
    int lo = 0;
    int hi = n - 1;
    if (t[n - 1] < x) {
      return n - 1;
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] >= x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
