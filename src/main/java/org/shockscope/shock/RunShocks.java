package org.shockscope.shock;

import java.util.List;

/**
 * The shocks of one run: every series' events and the run-level transitions merged from them.
 *
 * @param shocks      rows of the {@code shocks} table (without run_id)
 * @param transitions rows of the {@code transitions} table (without run_id)
 */
public record RunShocks(List<ShockEvent> shocks, List<Transition> transitions) {
  public RunShocks {
    shocks = List.copyOf(shocks);
    transitions = List.copyOf(transitions);
  }
}
