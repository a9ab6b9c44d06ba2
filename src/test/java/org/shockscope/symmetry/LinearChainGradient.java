package org.shockscope.symmetry;

import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.shockscope.io.Tensor;

/** One gradient step on ½‖W_L ⋯ W_1 − T‖²_F (+ weight decay) for a lab linear chain. */
final class LinearChainGradient {
  private LinearChainGradient() {
  }

  /** The end-to-end map W_L ⋯ W_1, row-major. */
  static double[] endToEnd(Map<String, Tensor> m) {
    DMatrixRMaj acc = null;
    for (int l = 0; l < m.size(); l++) {
      Tensor t = m.get("layers." + l + ".weight");
      DMatrixRMaj w = DMatrixRMaj.wrap(t.shape()[0], t.shape()[1], t.data());
      if (acc == null) {
        acc = w.copy();
      } else {
        DMatrixRMaj next = new DMatrixRMaj(w.numRows, acc.numCols);
        CommonOps_DDRM.mult(w, acc, next);
        acc = next;
      }
    }
    return acc.data;
  }

  static Map<String, Tensor> step(Map<String, Tensor> m, double[] target, double lr, double decay) {
    int depth = m.size();
    DMatrixRMaj[] w = new DMatrixRMaj[depth];
    for (int l = 0; l < depth; l++) {
      Tensor t = m.get("layers." + l + ".weight");
      w[l] = DMatrixRMaj.wrap(t.shape()[0], t.shape()[1], t.data().clone());
    }
    // Prefix products P_l = W_l ⋯ W_1 and suffix products S_l = W_L ⋯ W_(l+1).
    DMatrixRMaj[] prefix = new DMatrixRMaj[depth + 1];
    prefix[0] = CommonOps_DDRM.identity(w[0].numCols);
    for (int l = 0; l < depth; l++) {
      prefix[l + 1] = new DMatrixRMaj(w[l].numRows, prefix[l].numCols);
      CommonOps_DDRM.mult(w[l], prefix[l], prefix[l + 1]);
    }
    DMatrixRMaj residual = prefix[depth].copy();
    for (int i = 0; i < target.length; i++) {
      residual.data[i] -= target[i];
    }
    Map<String, Tensor> out = GroupActions.copy(m);
    DMatrixRMaj suffix = CommonOps_DDRM.identity(w[depth - 1].numRows);
    for (int l = depth - 1; l >= 0; l--) {
      // ∇_{W_l} = S_lᵀ · R · P_(l−1)ᵀ.
      DMatrixRMaj left = new DMatrixRMaj(suffix.numCols, residual.numCols);
      CommonOps_DDRM.multTransA(suffix, residual, left);
      DMatrixRMaj grad = new DMatrixRMaj(w[l].numRows, w[l].numCols);
      CommonOps_DDRM.multTransB(left, prefix[l], grad);
      double[] x = out.get("layers." + l + ".weight").data();
      for (int i = 0; i < x.length; i++) {
        x[i] -= lr * (grad.data[i] + decay * w[l].data[i]);
      }
      DMatrixRMaj next = new DMatrixRMaj(suffix.numRows, w[l].numCols);
      CommonOps_DDRM.mult(suffix, w[l], next);
      suffix = next;
    }
    return out;
  }
}
