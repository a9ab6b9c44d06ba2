package org.shockscope.shock;

/**
 * Nonlinear least-squares fit of the viscous-shock profile on a linear background to the
 * samples of one window of a series:
 *
 * <pre>  y(t) = m + b·(t − t_s) + (J/2)·tanh((t − t_s)/w)</pre>
 *
 * <p>The tanh front is the travelling-wave solution of Burgers' equation
 * {@code u_t + u·u_x = ν·u_xx}: {@code u = (u_l+u_r)/2 + ((u_r−u_l)/2)·tanh((u_l−u_r)(x−ct)/(4ν))}
 * (Whitham, <i>Linear and Nonlinear Waves</i>, 1974, §4.2), so its width is w = 4ν/|J| and the
 * viscosity is ν = |J|·w/4. The background slope b absorbs a slow drift on either side of the
 * front; m is the background at t_s, so the states either side of the front are
 * u_left = m − J/2 and u_right = m + J/2.
 *
 * <p>Method: time is mapped to u ∈ [−1, 1] over the window and values are standardised. A grid
 * over (t_s, w) — 5 centres over the given range × 6 log-spaced widths from a quarter of the
 * smallest sampling gap to the half window — solves the linear parameters (m, b, J) exactly
 * for each node (variable projection, Golub &amp; Pereyra 1973); the best node starts a
 * Levenberg–Marquardt iteration (Marquardt 1963, diagonal scaling) on (t_s, ln w) with the
 * linear parameters re-solved at every trial and Kaufman's (1975) projected Jacobian; t_s and
 * ln w stay inside the window (projected steps at the bounds). Standard errors of
 * t_s, J and ln w come from σ̂²·(JᵀJ)⁻¹ with σ̂² = RSS/(n − 5) (white noise assumed).
 *
 * <p>A stateful algorithm object: it owns its workspaces, grows them when a window is larger
 * than any before, and is not thread-safe. Results describe the last successful
 * {@link #fit}; they are undefined after a failed one.
 */
public final class ViscousShockFit {
  /** Number of fitted parameters: m, b, J, t_s, ln w. */
  public static final int PARAMETERS = 5;

  private static final int GRID_CENTERS = 5;
  private static final int GRID_WIDTHS = 6;
  /** The initial grid looks at about this many samples of a window. */
  private static final int GRID_SAMPLES = 128;
  private static final int MAX_ITERATIONS = 50;
  /** LM stops when an accepted step lowers the RSS by less than this relative amount. */
  private static final double RELATIVE_TOLERANCE = 1e-7;
  private static final double LAMBDA_START = 1e-3;
  private static final double LAMBDA_GIVE_UP = 1e12;
  /** Beyond |z| = 20, tanh(z) is ±1 in double precision. */
  private static final double TANH_SATURATION = 20.0;

  private double[] u = new double[0];
  private double[] v = new double[0];
  private double[] residuals = new double[0];
  private final double[] jtj = new double[PARAMETERS * PARAMETERS];
  private final double[] jtr = new double[PARAMETERS];
  private final double[] system = new double[PARAMETERS * PARAMETERS];
  private final double[] step = new double[PARAMETERS];
  private final double[] params = new double[PARAMETERS];
  private final double[] trial = new double[PARAMETERS];
  private final double[] normal3 = new double[9];
  private final double[] projected1 = new double[3];
  private final double[] projected2 = new double[3];
  private final double[] reduced = new double[4];
  private final double[] reducedRhs = new double[2];
  /** Window sums of the basis and data that do not depend on (t_s, w). */
  private double count0;
  private double sumU;
  private double sumUU;
  private double sumV;
  private double sumUV;
  private double sumVV;
  private final double[] rhs3 = new double[3];

  /** Window mapping of the current fit: u = (t − windowCenter)/windowHalf, likewise v. */
  private double windowCenter;
  private double windowHalf;
  private double valueMean;
  private double valueScale;
  private double minGap;

  /** RSS changes below this (standardised units) do not matter to the caller. */
  private double absoluteTolerance;
  private double rssResolution;

  private int count;
  private double level;
  private double slope;
  private double jump;
  private double center;
  private double width;
  private double rss;
  private double centerStdError;
  private double jumpStdError;
  private double logWidthStdError;

  /**
   * Fits the profile to samples {@code [from, to)}, from a grid over (t_s, w).
   *
   * @param t          sample times (steps), strictly increasing; input, not modified
   * @param y          sample values, finite over the range; input, not modified
   * @param from       first sample of the window
   * @param to         one past the last sample
   * @param centerLo   lowest t_s of the initial grid (clamped to the window)
   * @param centerHi   highest t_s of the initial grid (clamped to the window)
   * @param maxSamples the window is thinned to every k-th sample so that at most this many are
   *                   fitted (a quick localisation; {@link #refit} then uses them all)
   * @return false when the window has fewer than 7 samples, is constant, or the fit is not
   *         finite
   */
  public boolean fit(double[] t, double[] y, int from, int to, double centerLo,
                     double centerHi, int maxSamples) {
    int stride = Math.max(1, (to - from + maxSamples - 1) / Math.max(1, maxSamples));
    int n = prepare(t, y, from, to, stride);
    if (n < 0) {
      return false;
    }
    double cLo = clamp((centerLo - windowCenter) / windowHalf, u[0], u[n - 1]);
    double cHi = clamp((centerHi - windowCenter) / windowHalf, u[0], u[n - 1]);
    if (cHi < cLo) {
      double x = cLo;
      cLo = cHi;
      cHi = x;
    }
    if (!gridStart(n, cLo, cHi, Math.log(minGap / 4.0), 0.0)) {
      return false;
    }
    return solve(n);
  }

  /**
   * Fits the profile to all samples {@code [from, to)} starting from the last successful fit's
   * t_s and w (w at least {@code minWidth}, so that a front first located on thinned samples
   * still has samples on it and the iteration can move it): for a window moved, resized or
   * densified around a front already found.
   *
   * @return false as for {@link #fit}, or when there is no previous solution
   */
  public boolean refit(double[] t, double[] y, int from, int to, double minWidth) {
    if (count == 0) {
      return false;
    }
    double ts = center;
    double w = Math.max(width, minWidth);
    int n = prepare(t, y, from, to, 1);
    if (n < 0) {
      return false;
    }
    params[3] = clamp((ts - windowCenter) / windowHalf, u[0], u[n - 1]);
    params[4] = clamp(Math.log(w / windowHalf), Math.log(minGap / 16.0), Math.log(2.0));
    return solve(n);
  }

  /**
   * Maps every {@code stride}-th sample of the window to u ∈ [−1, 1] (over the whole window)
   * and standardised values; returns how many samples that is, or −1 when the window cannot be
   * fitted.
   */
  private int prepare(double[] t, double[] y, int from, int to, int stride) {
    int n = (to - from + stride - 1) / stride;
    if (n < PARAMETERS + 2) {
      return -1;
    }
    ensureCapacity(n);
    double t0 = t[from];
    double t1 = t[to - 1];
    windowCenter = 0.5 * (t0 + t1);
    windowHalf = 0.5 * (t1 - t0);
    if (!(windowHalf > 0.0)) {
      return -1;
    }
    double mean = 0.0;
    for (int i = 0; i < n; i++) {
      mean += y[from + i * stride];
    }
    mean /= n;
    double var = 0.0;
    for (int i = 0; i < n; i++) {
      double d = y[from + i * stride] - mean;
      var += d * d;
    }
    double sd = Math.sqrt(var / n);
    if (!(sd > 0.0) || !Double.isFinite(sd)) {
      return -1;
    }
    valueMean = mean;
    valueScale = sd;
    absoluteTolerance = rssResolution / (sd * sd);
    minGap = Double.POSITIVE_INFINITY;
    count0 = n;
    sumU = 0.0;
    sumUU = 0.0;
    sumV = 0.0;
    sumUV = 0.0;
    sumVV = 0.0;
    for (int i = 0; i < n; i++) {
      int k = from + i * stride;
      double ui = (t[k] - windowCenter) / windowHalf;
      double vi = (y[k] - mean) / sd;
      u[i] = ui;
      v[i] = vi;
      sumU += ui;
      sumUU += ui * ui;
      sumV += vi;
      sumUV += ui * vi;
      sumVV += vi * vi;
      if (i > 0) {
        minGap = Math.min(minGap, u[i] - u[i - 1]);
      }
    }
    return n;
  }


  /** LM from {@link #params} on the prepared window, then the results in the series' units. */
  private boolean solve(int n) {
    double r = levenbergMarquardt(n, u[0], u[n - 1], Math.log(minGap / 16.0), Math.log(2.0));
    if (!Double.isFinite(r)) {
      count = 0;
      return false;
    }
    double a = params[0];
    double b = params[1];
    double h = params[2];
    double c = params[3];
    double w = Math.exp(params[4]);
    double sd = valueScale;
    count = n;
    rss = r * sd * sd;
    center = windowCenter + c * windowHalf;
    width = w * windowHalf;
    jump = 2.0 * h * sd;
    slope = b * sd / windowHalf;
    level = valueMean + sd * (a + b * c);
    buildNormalEquations(n, params);
    double sigma2 = r / Math.max(1, n - PARAMETERS);
    centerStdError = standardError(3, sigma2) * windowHalf;
    jumpStdError = 2.0 * standardError(2, sigma2) * sd;
    logWidthStdError = standardError(4, sigma2);
    storeResiduals(n, params);
    return true;
  }

  /**
   * Sets the smallest change of the RSS, in squared units of the series, that matters to the
   * caller (0 by default): the iteration stops once a step gains less. A noise-free series is
   * then not fitted to rounding precision when its resolution is far coarser.
   */
  public void setRssResolution(double rss) {
    if (!(rss >= 0.0) || !Double.isFinite(rss)) {
      throw new ShockDetectionException("RSS resolution must be finite and >= 0, got " + rss);
    }
    rssResolution = rss;
  }

  /**
   * √(σ̂²·[(JᵀJ)⁻¹]_kk) for parameter k at the solution (standardised units). When the full
   * matrix is singular — a front sharper than the sampling, whose t_s and w no sample constrains
   * — the linear parameters (k &lt; 3) get their error conditional on t_s and w (the leading
   * 3×3 block, a sub-matrix of JᵀJ in row-major order), the others NaN.
   */
  private double standardError(int k, double sigma2) {
    double v = SmallSolve.inverseDiagonal(jtj, PARAMETERS, k, system, step);
    if (!(v > 0.0) && k < 3) {
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          normal3[r * 3 + c] = jtj[r * PARAMETERS + c];
        }
      }
      v = SmallSolve.inverseDiagonal(normal3, 3, k, system, step);
    }
    return v > 0.0 ? Math.sqrt(sigma2 * v) : Double.NaN;
  }

  /** Number of samples of the last fit. */
  public int count() {
    return count;
  }

  /** m: the background (mid-level of the front) at t_s, in the series' units. */
  public double level() {
    return level;
  }

  /** b: slope of the linear background, in units per step. */
  public double slope() {
    return slope;
  }

  /** J = u_right − u_left, signed, in the series' units. */
  public double jump() {
    return jump;
  }

  /** t_s: position of the front, in steps. */
  public double center() {
    return center;
  }

  /** w: half-width of the front (tanh scale), in steps; at least 1/16 of the smallest gap. */
  public double width() {
    return width;
  }

  /** Residual sum of squares of the fit, in squared units of the series. */
  public double rss() {
    return rss;
  }

  /** Standard error of t_s from σ̂²·(JᵀJ)⁻¹, in steps; NaN when not identifiable. */
  public double centerStdError() {
    return centerStdError;
  }

  /** Standard error of J from σ̂²·(JᵀJ)⁻¹, in the series' units; NaN when not identifiable. */
  public double jumpStdError() {
    return jumpStdError;
  }

  /** Standard error of ln w from σ̂²·(JᵀJ)⁻¹ (a relative error of w); NaN when not identifiable. */
  public double logWidthStdError() {
    return logWidthStdError;
  }

  /** u_left = m − J/2. */
  public double leftLevel() {
    return level - 0.5 * jump;
  }

  /** u_right = m + J/2. */
  public double rightLevel() {
    return level + 0.5 * jump;
  }

  private void ensureCapacity(int n) {
    if (u.length < n) {
      int cap = Math.max(n, 2 * u.length);
      u = new double[cap];
      v = new double[cap];
      residuals = new double[cap];
    }
  }

  /**
   * Best grid node for (t_s, ln w) with (m, b, J) solved exactly; leaves (t_s, ln w) in
   * {@link #params}. Windows longer than {@link #GRID_SAMPLES} are searched on every k-th
   * sample: the grid only picks the basin, the LM refines on all samples.
   */
  private boolean gridStart(int n, double cLo, double cHi, double lnWLo, double lnWHi) {
    int stride = Math.max(1, n / GRID_SAMPLES);
    double s1 = 0.0;
    double su = 0.0;
    double suu = 0.0;
    double sv = 0.0;
    double suv = 0.0;
    double svv = 0.0;
    for (int i = 0; i < n; i += stride) {
      s1 += 1.0;
      su += u[i];
      suu += u[i] * u[i];
      sv += v[i];
      suv += u[i] * v[i];
      svv += v[i] * v[i];
    }
    double best = Double.POSITIVE_INFINITY;
    double bestC = cLo;
    double bestW = lnWLo;
    int centers = cHi > cLo ? GRID_CENTERS : 1;
    for (int ic = 0; ic < centers; ic++) {
      double c = centers == 1 ? cLo : cLo + (cHi - cLo) * ic / (centers - 1);
      for (int iw = 0; iw < GRID_WIDTHS; iw++) {
        double lnW = lnWLo + (lnWHi - lnWLo) * iw / (GRID_WIDTHS - 1);
        double inv = Math.exp(-lnW);
        double st = 0.0;
        double sut = 0.0;
        double stt = 0.0;
        double stv = 0.0;
        for (int i = 0; i < n; i += stride) {
          double th = tanh((u[i] - c) * inv);
          st += th;
          sut += u[i] * th;
          stt += th * th;
          stv += th * v[i];
        }
        double[] m = normal3;
        m[0] = s1;
        m[1] = su;
        m[2] = st;
        m[3] = su;
        m[4] = suu;
        m[5] = sut;
        m[6] = st;
        m[7] = sut;
        m[8] = stt;
        rhs3[0] = sv;
        rhs3[1] = suv;
        rhs3[2] = stv;
        if (!SmallSolve.solve(m, rhs3, 3)) {
          continue;
        }
        double r = svv - (rhs3[0] * sv + rhs3[1] * suv + rhs3[2] * stv);
        if (r < best) {
          best = r;
          bestC = c;
          bestW = lnW;
        }
      }
    }
    if (!(best < Double.POSITIVE_INFINITY)) {
      return false;
    }
    params[3] = bestC;
    params[4] = bestW;
    return true;
  }

  /**
   * For fixed (t_s, ln w) the model is linear in (m, b, J/2): solves them exactly into
   * {@code out[0..2]} (and copies t_s, ln w into {@code out[3..4]}); returns the RSS
   * (standardised units), +∞ when singular.
   */
  private double linearSolve(int n, double c, double lnW, double[] out) {
    double inv = Math.exp(-lnW);
    double st = 0.0;
    double sut = 0.0;
    double stt = 0.0;
    double stv = 0.0;
    for (int i = 0; i < n; i++) {
      double th = tanh((u[i] - c) * inv);
      st += th;
      sut += u[i] * th;
      stt += th * th;
      stv += th * v[i];
    }
    double[] m = normal3;
    fillBasisGram(m, st, sut, stt);
    rhs3[0] = sumV;
    rhs3[1] = sumUV;
    rhs3[2] = stv;
    if (!SmallSolve.solve(m, rhs3, 3)) {
      return Double.POSITIVE_INFINITY;
    }
    out[0] = rhs3[0];
    out[1] = rhs3[1];
    out[2] = rhs3[2];
    out[3] = c;
    out[4] = lnW;
    return Math.max(0.0, sumVV - (rhs3[0] * sumV + rhs3[1] * sumUV + rhs3[2] * stv));
  }

  /**
   * Levenberg–Marquardt on the two nonlinear parameters (t_s, ln w) of the variable-projection
   * functional, the linear ones re-solved exactly at every trial (Golub &amp; Pereyra 1973) with
   * Kaufman's (1975) Jacobian: the columns ∂f/∂t_s, ∂f/∂ln w projected off the span of the
   * linear basis {1, u, tanh}. Starts from {@code params[3..4]}; leaves the solution in
   * {@link #params} and returns its RSS (standardised units).
   */
  private double levenbergMarquardt(int n, double uLo, double uHi, double lnWMin,
                                    double lnWMax) {
    double current = linearSolve(n, params[3], params[4], params);
    if (!Double.isFinite(current)) {
      return current;
    }
    double lambda = LAMBDA_START;
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      if (!projectedNormalEquations(n)) {
        break;
      }
      boolean improved = false;
      while (lambda < LAMBDA_GIVE_UP) {
        double d0 = reduced[0] * (1.0 + lambda);
        double d1 = reduced[3] * (1.0 + lambda);
        double off = reduced[1];
        double det = d0 * d1 - off * off;
        if (!(det > 0.0)) {
          lambda *= 10.0;
          continue;
        }
        double dc = (d1 * reducedRhs[0] - off * reducedRhs[1]) / det;
        double dw = (d0 * reducedRhs[1] - off * reducedRhs[0]) / det;
        // Active set: a parameter on its bound whose step points outward is held, and the other
        // one is solved alone (projected LM); otherwise clamping makes the model's predicted
        // reduction meaningless and the damping would grow without progress.
        boolean holdC = (params[3] <= uLo && dc < 0.0) || (params[3] >= uHi && dc > 0.0);
        boolean holdW = (params[4] <= lnWMin && dw < 0.0) || (params[4] >= lnWMax && dw > 0.0);
        if (holdC && holdW) {
          break;
        }
        if (holdC) {
          dc = 0.0;
          dw = reducedRhs[1] / d1;
        } else if (holdW) {
          dw = 0.0;
          dc = reducedRhs[0] / d0;
        }
        // Reduction the linearised model predicts, RSS − RSS(δ) = 2δᵀg − δᵀAδ: when even
        // that is negligible the optimum is reached (rejecting steps would only inflate λ).
        double predicted = 2.0 * (dc * reducedRhs[0] + dw * reducedRhs[1])
            - (dc * dc * reduced[0] + 2.0 * dc * dw * off + dw * dw * reduced[3]);
        if (predicted <= RELATIVE_TOLERANCE * current + absoluteTolerance) {
          break;
        }
        double c = clamp(params[3] + dc, uLo, uHi);
        double lnW = clamp(params[4] + dw, lnWMin, lnWMax);
        double next = linearSolve(n, c, lnW, trial);
        if (next < current) {
          double gain = current - next;
          System.arraycopy(trial, 0, params, 0, PARAMETERS);
          current = next;
          lambda = Math.max(lambda / 3.0, 1e-12);
          improved = gain > RELATIVE_TOLERANCE * current + absoluteTolerance;
          break;
        }
        lambda *= 4.0;
      }
      if (!improved) {
        break;
      }
    }
    return current;
  }

  /**
   * Kaufman's reduced normal equations at {@link #params}: with G = [∂f/∂t_s, ∂f/∂ln w] and
   * Φ = [1, u, tanh], {@code reduced} = GᵀG − (ΦᵀG)ᵀ(ΦᵀΦ)⁻¹(ΦᵀG) (2×2, row-major) and
   * {@code reducedRhs} = Gᵀr (r is orthogonal to Φ at the exact linear solution).
   */
  private boolean projectedNormalEquations(int n) {
    double a = params[0];
    double b = params[1];
    double h = params[2];
    double c = params[3];
    double inv = Math.exp(-params[4]);
    double st = 0, sut = 0, stt = 0;
    double g1 = 0, g2 = 0, ug1 = 0, ug2 = 0, tg1 = 0, tg2 = 0;
    double g11 = 0, g12 = 0, g22 = 0, g1r = 0, g2r = 0;
    for (int i = 0; i < n; i++) {
      double ui = u[i];
      double z = (ui - c) * inv;
      double th = tanh(z);
      double hs2 = -h * (1.0 - th * th);
      double r = v[i] - (a + b * ui + h * th);
      double d1 = hs2 * inv;
      double d2 = hs2 * z;
      st += th;
      sut += ui * th;
      stt += th * th;
      g1 += d1;
      g2 += d2;
      ug1 += ui * d1;
      ug2 += ui * d2;
      tg1 += th * d1;
      tg2 += th * d2;
      g11 += d1 * d1;
      g12 += d1 * d2;
      g22 += d2 * d2;
      g1r += d1 * r;
      g2r += d2 * r;
    }
    double[] m = normal3;
    double[] x1 = projected1;
    double[] x2 = projected2;
    fillBasisGram(m, st, sut, stt);
    x1[0] = g1;
    x1[1] = ug1;
    x1[2] = tg1;
    if (!SmallSolve.solve(m, x1, 3)) {
      return false;
    }
    fillBasisGram(m, st, sut, stt);
    x2[0] = g2;
    x2[1] = ug2;
    x2[2] = tg2;
    if (!SmallSolve.solve(m, x2, 3)) {
      return false;
    }
    reduced[0] = g11 - (g1 * x1[0] + ug1 * x1[1] + tg1 * x1[2]);
    reduced[1] = g12 - (g1 * x2[0] + ug1 * x2[1] + tg1 * x2[2]);
    reduced[2] = reduced[1];
    reduced[3] = g22 - (g2 * x2[0] + ug2 * x2[1] + tg2 * x2[2]);
    reducedRhs[0] = g1r;
    reducedRhs[1] = g2r;
    // A vanishing diagonal (front saturated between samples) would stall the damping scale.
    double scale = Math.max(reduced[0], reduced[3]);
    reduced[0] = Math.max(reduced[0], 1e-12 * scale + Double.MIN_NORMAL);
    reduced[3] = Math.max(reduced[3], 1e-12 * scale + Double.MIN_NORMAL);
    return true;
  }

  private void fillBasisGram(double[] m, double st, double sut, double stt) {
    m[0] = count0;
    m[1] = sumU;
    m[2] = st;
    m[3] = sumU;
    m[4] = sumUU;
    m[5] = sut;
    m[6] = st;
    m[7] = sut;
    m[8] = stt;
  }

  /** JᵀJ (in {@link #jtj}) and Jᵀr (in {@link #jtr}) of the model at p. */
  private void buildNormalEquations(int n, double[] p) {
    double a = p[0];
    double b = p[1];
    double h = p[2];
    double c = p[3];
    double inv = Math.exp(-p[4]);
    // The 15 distinct sums of the symmetric 5×5 JᵀJ, unrolled: this loop is the fit's hot spot.
    double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s04 = 0;
    double s11 = 0, s12 = 0, s13 = 0, s14 = 0;
    double s22 = 0, s23 = 0, s24 = 0;
    double s33 = 0, s34 = 0;
    double s44 = 0;
    double r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0;
    for (int i = 0; i < n; i++) {
      double ui = u[i];
      double z = (ui - c) * inv;
      double th = tanh(z);
      double hs2 = -h * (1.0 - th * th);
      double r = v[i] - (a + b * ui + h * th);
      double g3 = hs2 * inv;
      double g4 = hs2 * z;
      s00 += 1.0;
      s01 += ui;
      s02 += th;
      s03 += g3;
      s04 += g4;
      s11 += ui * ui;
      s12 += ui * th;
      s13 += ui * g3;
      s14 += ui * g4;
      s22 += th * th;
      s23 += th * g3;
      s24 += th * g4;
      s33 += g3 * g3;
      s34 += g3 * g4;
      s44 += g4 * g4;
      r0 += r;
      r1 += ui * r;
      r2 += th * r;
      r3 += g3 * r;
      r4 += g4 * r;
    }
    double[] m = jtj;
    m[0] = s00;  m[1] = s01;  m[2] = s02;  m[3] = s03;  m[4] = s04;
    m[5] = s01;  m[6] = s11;  m[7] = s12;  m[8] = s13;  m[9] = s14;
    m[10] = s02; m[11] = s12; m[12] = s22; m[13] = s23; m[14] = s24;
    m[15] = s03; m[16] = s13; m[17] = s23; m[18] = s33; m[19] = s34;
    m[20] = s04; m[21] = s14; m[22] = s24; m[23] = s34; m[24] = s44;
    jtr[0] = r0;
    jtr[1] = r1;
    jtr[2] = r2;
    jtr[3] = r3;
    jtr[4] = r4;
  }

  private void storeResiduals(int n, double[] p) {
    double a = p[0];
    double b = p[1];
    double h = p[2];
    double c = p[3];
    double inv = Math.exp(-p[4]);
    for (int i = 0; i < n; i++) {
      residuals[i] = v[i] - (a + b * u[i] + h * tanh((u[i] - c) * inv));
    }
  }

  /**
   * Long-run variance factor of the residuals of the last fit: the Bartlett-kernel (Newey &amp;
   * West 1987) estimate 1 + 2·Σ_{k=1..B} (1 − k/(B+1))·ρ_k, with ρ_k the lag-k autocorrelation
   * of the residuals and each ρ_k multiplied by {@code whiteShare}, the share of the residual
   * variance that is correlated at all (the resolution floor is white). It is the factor by
   * which serially correlated noise inflates the variance of averages over B samples, so that
   * n/factor is the effective number of independent samples at that scale. Clamped to
   * [1, maxFactor]: negative correlation never adds evidence.
   *
   * @param bandwidth B, the lags that matter (about the front's width in samples), ≥ 1
   */
  public double longRunFactor(int bandwidth, double whiteShare, double maxFactor) {
    int n = count;
    int lags = Math.min(bandwidth, n - 1);
    double s0 = 0.0;
    for (int i = 0; i < n; i++) {
      s0 += residuals[i] * residuals[i];
    }
    if (!(s0 > 0.0)) {
      return 1.0;
    }
    double sum = 0.0;
    double rho1 = 0.0;
    for (int k = 1; k <= lags; k++) {
      double sk = 0.0;
      for (int i = k; i < n; i++) {
        sk += residuals[i] * residuals[i - k];
      }
      if (k == 1) {
        rho1 = whiteShare * sk / s0;
      }
      sum += (1.0 - k / (lags + 1.0)) * sk / s0;
    }
    double bartlett = 1.0 + 2.0 * whiteShare * sum;
    // Short memory the kernel underweights at small B: the AR(1) long-run factor (1+ρ)/(1−ρ).
    double r = Math.min(Math.max(rho1, 0.0), 0.99);
    double ar1 = (1.0 + r) / (1.0 - r);
    return Math.min(maxFactor, Math.max(1.0, Math.max(bartlett, ar1)));
  }

  /** tanh through one exponential (Math.tanh is not an intrinsic); absolute error below 1e-15. */
  static double tanh(double z) {
    if (z > TANH_SATURATION) {
      return 1.0;
    }
    if (z < -TANH_SATURATION) {
      return -1.0;
    }
    double e = Math.exp(2.0 * z);
    return (e - 1.0) / (e + 1.0);
  }

  private static double clamp(double x, double lo, double hi) {
    return x < lo ? lo : (x > hi ? hi : x);
  }
}
