package org.shockscope.symmetry;

import java.util.Arrays;
import java.util.Objects;

/**
 * The top singular values of one matrix of a group's balanced representative or of one of its
 * invariant maps (a row of the {@code spectra} table without run and step).
 *
 * @param group  the group's name
 * @param matrix the matrix ({@code fc1.weight}, {@code end_to_end}, {@code head0.qk}, ...)
 * @param sv     its largest singular values, descending
 */
public record Spectrum(String group, String matrix, double[] sv) {
  public Spectrum {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(matrix, "matrix");
    Objects.requireNonNull(sv, "sv");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Spectrum s && group.equals(s.group) && matrix.equals(s.matrix)
        && Arrays.equals(sv, s.sv);
  }

  @Override
  public int hashCode() {
    return Objects.hash(group, matrix, Arrays.hashCode(sv));
  }

  @Override
  public String toString() {
    return "Spectrum[" + group + ", " + matrix + ", " + Arrays.toString(sv) + "]";
  }
}
