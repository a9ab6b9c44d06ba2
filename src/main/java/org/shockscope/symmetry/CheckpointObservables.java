package org.shockscope.symmetry;

import java.util.List;

/**
 * Everything {@link QuotientKernel#observe} computes for one checkpoint.
 *
 * @param observables scalar observables of every group
 * @param spectra     top singular values of every analysed matrix
 */
public record CheckpointObservables(List<Observable> observables, List<Spectrum> spectra) {
  public CheckpointObservables {
    observables = List.copyOf(observables);
    spectra = List.copyOf(spectra);
  }

  /** The value of one observable, or NaN when it was not produced. */
  public double value(String group, String name) {
    for (Observable o : observables) {
      if (o.group().equals(group) && o.name().equals(name)) {
        return o.value();
      }
    }
    return Double.NaN;
  }
}
