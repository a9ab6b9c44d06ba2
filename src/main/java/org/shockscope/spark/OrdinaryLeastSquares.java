package org.shockscope.spark;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Ordinary least squares with an intercept, on the driver, with the summary statistics of
 * MLlib's {@code LinearRegression} (normal-equation solver, no weights, no penalty):
 * estimates β̂ of y = β₀ + Σⱼ βⱼ·xⱼ + ε, standard errors sqrt(σ̂²·[(XᵀX)⁻¹]ⱼⱼ) with
 * σ̂² = RSS / (n − p − 1), two-sided t-test p-values with n − p − 1 degrees of freedom, and
 * R² = 1 − RSS / TSS.
 *
 * <p>The inputs are centred before the normal equations are solved (as MLlib does), which
 * keeps them well conditioned when a covariate such as ln(temperature) sits far from zero; the
 * intercept's variance is then σ̂²·(1/n + x̄ᵀS⁻¹x̄), S the centred cross-product matrix.
 */
final class OrdinaryLeastSquares {
  /**
   * A fit: arrays hold the p slopes first and the intercept last (MLlib's order).
   *
   * @param estimates        β̂₁…β̂ₚ, β̂₀
   * @param standardErrors   their standard errors
   * @param pValues          two-sided p-values of β = 0
   * @param degreesOfFreedom n − p − 1
   * @param r2               coefficient of determination
   */
  record Fit(double[] estimates, double[] standardErrors, double[] pValues,
             long degreesOfFreedom, double r2) {
    /** Half the width of the 95% confidence interval of estimate j: t(0.975, dof)·se. */
    double halfWidth95(int j) {
      return new TDistribution(Math.max(1, degreesOfFreedom)).inverseCumulativeProbability(0.975)
          * standardErrors[j];
    }
  }

  private OrdinaryLeastSquares() {}

  /**
   * @param x n rows of p covariates (n &gt; p + 1)
   * @param y n responses
   * @return the fit, or null when the covariates are collinear (or one is constant)
   */
  static Fit fit(double[][] x, double[] y) {
    int n = y.length;
    int p = x[0].length;
    double[] xMean = new double[p];
    double yMean = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        xMean[j] += x[i][j] / n;
      }
      yMean += y[i] / n;
    }
    double[][] s = new double[p][p];
    double[] sxy = new double[p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        double dj = x[i][j] - xMean[j];
        sxy[j] += dj * (y[i] - yMean);
        for (int k = 0; k < p; k++) {
          s[j][k] += dj * (x[i][k] - xMean[k]);
        }
      }
    }
    RealMatrix sInv;
    try {
      sInv = new CholeskyDecomposition(new Array2DRowRealMatrix(s, false)).getSolver()
          .getInverse();
    } catch (NonPositiveDefiniteMatrixException e) {
      return null;
    }
    double[] beta = sInv.operate(sxy);
    double intercept = yMean;
    for (int j = 0; j < p; j++) {
      intercept -= beta[j] * xMean[j];
    }
    double rss = 0;
    double tss = 0;
    for (int i = 0; i < n; i++) {
      double fitted = intercept;
      for (int j = 0; j < p; j++) {
        fitted += beta[j] * x[i][j];
      }
      rss += (y[i] - fitted) * (y[i] - fitted);
      tss += (y[i] - yMean) * (y[i] - yMean);
    }
    long dof = n - p - 1;
    double sigma2 = rss / dof;
    double[] est = new double[p + 1];
    double[] se = new double[p + 1];
    System.arraycopy(beta, 0, est, 0, p);
    est[p] = intercept;
    for (int j = 0; j < p; j++) {
      se[j] = Math.sqrt(sigma2 * sInv.getEntry(j, j));
    }
    double[] sx = sInv.operate(xMean);
    double quad = 0;
    for (int j = 0; j < p; j++) {
      quad += xMean[j] * sx[j];
    }
    se[p] = Math.sqrt(sigma2 * (1.0 / n + quad));
    TDistribution t = new TDistribution(Math.max(1, dof));
    double[] pv = new double[p + 1];
    for (int j = 0; j <= p; j++) {
      pv[j] = 2 * (1 - t.cumulativeProbability(Math.abs(est[j] / se[j])));
    }
    return new Fit(est, se, pv, dof, 1 - rss / tss);
  }
}
