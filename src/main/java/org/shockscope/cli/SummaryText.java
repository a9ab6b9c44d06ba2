package org.shockscope.cli;

import org.shockscope.spark.SweepAnalysis;

/** The end-of-job summary a person reads: what was analysed, what was found, where it went. */
final class SummaryText {
  private SummaryText() {}

  static String of(SweepAnalysis.Summary s) {
    long secs = s.elapsed().toSeconds();
    java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(
        "shockscope: analysis complete in " + String.format("%d:%02d", secs / 60, secs % 60),
        "  sweep        " + s.sweep() + " (" + s.layout().toLowerCase(java.util.Locale.ROOT)
            + " layout)",
        "  runs         " + s.runs() + " (" + s.diverged() + " diverged)",
        "  checkpoints  " + s.checkpoints() + " (" + s.reduced() + " read and reduced by this job)",
        "  observables  " + s.observables() + " rows",
        "  shocks       " + s.shocks() + " events, " + s.transitions() + " run-level transitions",
        "  errors       " + s.errors() + (s.errors() > 0
            ? " unusable inputs quarantined (see the errors table)" : ""),
        "  tables       " + s.out() + "/{runs,observables,spectra,shocks,transitions,fronts,"
            + "phase_stats,phase_boundary,survival,importance,viscosity_law,"
            + "viscosity_by_setting,symmetry_law,errors,forecasts}",
        "  report       " + (s.report() == null ? "(not written)" : s.report())));
    if (s.reused() != null) {
      lines.add("  reused       " + s.reused());
    }
    lines.add("  warnings     " + s.warnings().size());
    for (String w : s.warnings()) {
      lines.add("    - " + w);
    }
    return String.join(System.lineSeparator(), lines);
  }
}
