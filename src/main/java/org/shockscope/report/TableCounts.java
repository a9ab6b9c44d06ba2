package org.shockscope.report;

import java.util.Map;

/**
 * Row counts of three output tables that a job which has just written them counts anyway for its
 * closing summary: the {@code shocks} table by kind ({@code "(none)"} for a NULL kind), the
 * {@code transitions} and the {@code errors} tables. Handed to {@link ReportCollector}, they
 * spare the report the Spark queries that would count them again.
 *
 * @param shocksByKind rows of {@code shocks} per kind
 * @param transitions  rows of {@code transitions}
 * @param errors       rows of {@code errors}
 */
public record TableCounts(Map<String, Long> shocksByKind, long transitions, long errors) {
  public TableCounts {
    shocksByKind = Map.copyOf(shocksByKind);
    if (transitions < 0 || errors < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got transitions " + transitions
          + ", errors " + errors);
    }
  }

  /** The rows of {@code shocks}, all kinds. */
  public long shocks() {
    long n = 0;
    for (long v : shocksByKind.values()) {
      n += v;
    }
    return n;
  }
}
