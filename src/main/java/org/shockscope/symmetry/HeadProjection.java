package org.shockscope.symmetry;

/**
 * Where the per-head blocks of one attention projection sit in its tensor. Every block is read
 * as a d_head × D matrix: element [i][c] of head h is {@code T[offset + h·d + i][c]} when the
 * heads are stacked along the rows ({@code rowBlocks}: PyTorch {@code q_proj.weight}
 * [H·d, D], GPT-2 {@code c_proj.weight} [H·d, D]) and {@code T[c][offset + h·d + i]} when they
 * are stacked along the columns (GPT-2 {@code Conv1D c_attn.weight} [D, 3·D], PyTorch
 * {@code o_proj.weight} [D, H·d]). So a query/key/value block is W_h with q_h = W_h x, and an
 * output block is W_O,hᵀ (the output projection's columns for head h, transposed).
 *
 * @param tensor     index of the weight in the group's tensor list
 * @param rowBlocks  whether heads are stacked along the rows
 * @param offset     first row (column) of head 0 in that tensor (e.g. D for the keys of a
 *                   fused qkv weight)
 * @param bias       index of the bias in the group's tensor list, or −1
 * @param biasOffset first element of head 0 in the bias
 */
public record HeadProjection(int tensor, boolean rowBlocks, int offset, int bias, int biasOffset) {
  /** Whether a bias is attached (it then becomes an extra last column of every block). */
  public boolean hasBias() {
    return bias >= 0;
  }
}
