package org.shockscope.symmetry;

import java.util.Objects;

/**
 * One scalar observable of a group (a row of the {@code observables} table without run and
 * step). Group-level names: {@code raw_norm}, {@code balanced_norm}, {@code redundancy},
 * {@code raw_step}, {@code quotient_step}, {@code drift_fraction}; spectral ones are
 * {@code <matrix>/<name>} with the names of {@link SpectralSummary#NAMES}, e.g.
 * {@code fc1.weight/stable_rank}, {@code end_to_end/effective_rank}, {@code head3.qk/alpha}.
 *
 * @param group the group's name
 * @param name  the observable's name
 * @param value its value (finite)
 */
public record Observable(String group, String name, double value) {
  public Observable {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(name, "name");
  }
}
