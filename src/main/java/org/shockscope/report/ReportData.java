package org.shockscope.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.shockscope.ErrorRecord;

/**
 * Everything the report draws, as plain Java values: already reduced to a size that one page
 * can hold (the collector samples events and aggregates observables across runs; the writer
 * caps what it draws again). Missing numbers are {@code NaN}, never null.
 *
 * @param title           page title
 * @param source          where the tables came from (shown in the header)
 * @param generated       when the report was made (ISO-8601 text)
 * @param summary         sweep-level counts and the first errors
 * @param missingTables   tables that were not found (their sections say so)
 * @param hyperparameters hyperparameter columns of {@code runs}, in table order (not its
 *                        {@code structure}, which is {@link Run#structure()})
 * @param runs            the runs (all of them, or the first {@link Summary#runs()} when capped)
 * @param cellColumns     the columns defining a phase-diagram cell ({@code phase_stats})
 * @param cells           {@code phase_stats} rows
 * @param boundary        {@code phase_boundary} rows
 * @param importance      {@code importance} rows
 * @param survival        {@code survival} rows
 * @param gallery         the sampled runs with their trajectories
 * @param symmetry        across-run bands of raw_norm, balanced_norm, redundancy, drift_fraction
 * @param viscosity       jump events and the fitted viscosity law
 * @param options         what was asked for
 * @param symmetryLaw     {@code symmetry_law} rows (empty when the table is missing or empty)
 * @param risk            the runs at risk and the forecasts' lead times ({@code forecasts})
 */
public record ReportData(String title, String source, String generated, Summary summary,
                         Set<String> missingTables, List<String> hyperparameters, List<Run> runs,
                         List<String> cellColumns, List<Cell> cells, List<Boundary> boundary,
                         List<Importance> importance, List<SurvivalTerm> survival,
                         List<GalleryRun> gallery, List<Band> symmetry, Viscosity viscosity,
                         ReportOptions options, List<SymmetryTerm> symmetryLaw, Risk risk) {
  /** A report without forecast data. */
  public ReportData(String title, String source, String generated, Summary summary,
                    Set<String> missingTables, List<String> hyperparameters, List<Run> runs,
                    List<String> cellColumns, List<Cell> cells, List<Boundary> boundary,
                    List<Importance> importance, List<SurvivalTerm> survival,
                    List<GalleryRun> gallery, List<Band> symmetry, Viscosity viscosity,
                    ReportOptions options, List<SymmetryTerm> symmetryLaw) {
    this(title, source, generated, summary, missingTables, hyperparameters, runs, cellColumns,
        cells, boundary, importance, survival, gallery, symmetry, viscosity, options, symmetryLaw,
        Risk.empty());
  }

  /** A report without {@code symmetry_law} rows. */
  public ReportData(String title, String source, String generated, Summary summary,
                    Set<String> missingTables, List<String> hyperparameters, List<Run> runs,
                    List<String> cellColumns, List<Cell> cells, List<Boundary> boundary,
                    List<Importance> importance, List<SurvivalTerm> survival,
                    List<GalleryRun> gallery, List<Band> symmetry, Viscosity viscosity,
                    ReportOptions options) {
    this(title, source, generated, summary, missingTables, hyperparameters, runs, cellColumns,
        cells, boundary, importance, survival, gallery, symmetry, viscosity, options, List.of());
  }

  public ReportData {
    symmetryLaw = List.copyOf(symmetryLaw);
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(viscosity, "viscosity");
    Objects.requireNonNull(options, "options");
    missingTables = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(missingTables));
    hyperparameters = List.copyOf(hyperparameters);
    runs = List.copyOf(runs);
    cellColumns = List.copyOf(cellColumns);
    cells = List.copyOf(cells);
    boundary = List.copyOf(boundary);
    importance = List.copyOf(importance);
    survival = List.copyOf(survival);
    gallery = List.copyOf(gallery);
    symmetry = List.copyOf(symmetry);
  }

  /**
   * The same report restricted to some of its runs (a model family): those runs, the cell
   * columns and the phase-diagram cells given; everything else unchanged.
   */
  public ReportData restrictedTo(List<Run> someRuns, List<String> someCellColumns,
                                 List<Cell> someCells) {
    return new ReportData(title, source, generated, summary, missingTables, hyperparameters,
        someRuns, someCellColumns, someCells, boundary, importance, survival, gallery, symmetry,
        viscosity, options, symmetryLaw, risk);
  }

  /** Whether the named table was not found. */
  public boolean missing(String table) {
    return missingTables.contains(table);
  }

  /**
   * Sweep-level counts.
   *
   * @param runs         rows of {@code runs}
   * @param checkpoints  sum of {@code n_checkpoints}
   * @param shocks       rows of {@code shocks}
   * @param shocksByKind rows of {@code shocks} per kind
   * @param transitions  rows of {@code transitions}
   * @param diverged     runs with {@code diverged}
   * @param errors       rows of {@code errors}
   * @param firstErrors  the first rows of {@code errors}
   */
  public record Summary(long runs, long checkpoints, long shocks, Map<String, Long> shocksByKind,
                        long transitions, long diverged, long errors,
                        List<ErrorRecord> firstErrors) {
    public Summary {
      shocksByKind = Map.copyOf(shocksByKind);
      firstErrors = List.copyOf(firstErrors);
    }
  }

  /**
   * A row of {@code runs}.
   *
   * @param hyperparameters column → value as text (numbers in their shortest exact decimal form)
   * @param firstShockStep  step of the first shock, or null without one
   * @param structure       the run's model structure as recorded ({@code runs.structure},
   *                        JSON), or null
   */
  public record Run(String runId, Map<String, String> hyperparameters, long checkpoints,
                    Long lastStep, double finalLoss, boolean diverged, Long divergenceStep,
                    int shocks, Long firstShockStep, String structure) {
    public Run {
      Objects.requireNonNull(runId, "runId");
      hyperparameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    /** The values of {@code columns} ("(missing)" where absent). */
    public List<String> values(List<String> columns) {
      List<String> out = new ArrayList<>(columns.size());
      for (String c : columns) {
        String v = hyperparameters.get(c);
        out.add(v == null ? MISSING : v);
      }
      return out;
    }
  }

  /** Text of an absent hyperparameter value. */
  public static final String MISSING = "(missing)";

  /** "lr=0.01, batch_size=64" for the values of {@code columns}; "all runs" without columns. */
  public static String cellLabel(List<String> columns, List<String> values) {
    if (columns.isEmpty()) {
      return "all runs";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(columns.get(i)).append('=').append(values.get(i));
    }
    return b.toString();
  }

  /**
   * A row of {@code phase_stats}: one cell, its run count, shock and divergence rates with
   * Wilson 95% intervals, first-shock quantiles (steps), median jump width and viscosity, mean
   * temperature.
   *
   * @param values the cell's values of {@link ReportData#cellColumns()}, as text
   */
  public record Cell(List<String> values, long runs, long shocked, double shockRate,
                     double shockLo, double shockHi, long diverged, double divergenceRate,
                     double divergenceLo, double divergenceHi, double firstShockP10,
                     double firstShockP50, double firstShockP90, double medianWidth,
                     double medianViscosity, double temperature) {
    public Cell {
      values = List.copyOf(values);
    }
  }

  /**
   * A row of {@code phase_boundary}: for one target ({@code shock} or {@code divergence}) and
   * one cell of the other hyperparameters, the learning rates tried, the bracket
   * (largest lr without, smallest lr with the outcome) and the fitted critical lr.
   */
  public record Boundary(String target, String cell, long runs, long positive, double lrMin,
                         double lrMax, double maxNegativeLr, double minPositiveLr,
                         double criticalLr, double logLrSlope, String status) {}

  /** A row of {@code importance} ({@code hyperparameter} as a {@code runs} column name). */
  public record Importance(String target, String hyperparameter, double importance, int rank) {}

  /** A row of {@code survival}. */
  public record SurvivalTerm(String model, String term, String transform, double coefficient,
                             double timeRatio, long runs, long events) {}

  /**
   * A row of {@code viscosity_law}; {@code aliasedWith} is its {@code aliased_with} (null when
   * the term is not confounded): for an aliased term (NaN estimate) the kept terms it equals, for
   * a kept one the aliased terms its coefficient also stands for.
   */
  public record LawTerm(String response, String term, double estimate, double stdError,
                        double ciLo, double ciHi, double pValue, long events, double r2,
                        String aliasedWith) {
    /** A term confounded with no other. */
    public LawTerm(String response, String term, double estimate, double stdError, double ciLo,
                   double ciHi, double pValue, long events, double r2) {
      this(response, term, estimate, stdError, ciLo, ciHi, pValue, events, r2, null);
    }

    /** Whether the term was left out of the fit as a combination of earlier terms. */
    public boolean aliased() {
      return aliasedWith != null && Double.isNaN(estimate);
    }
  }

  /**
   * A row of {@code symmetry_law}: a response regressed on a symmetry degree within cells that
   * differ only in size ({@code heldFixed}); NaN estimates and a non-null {@code aliasedWith}
   * for a term the design cannot separate.
   */
  public record SymmetryTerm(String response, String term, double estimate, double stdError,
                             double ciLo, double ciHi, double pValue, long runs, long cells,
                             double r2, String heldFixed, String aliasedWith) {}

  /**
   * A row of {@code viscosity_by_setting}: an optimiser setting (NaN / null where its runs do
   * not declare it), its runs and jump events, and their median width (steps), viscosity and
   * temperature (NaN without events).
   */
  public record SettingSummary(String optimizer, double momentum, double beta1, double beta2,
                               double weightDecay, long runs, long runsWithJumps, long events,
                               double medianWidth, double medianViscosity,
                               double medianTemperature) {}

  /**
   * One series of one run over steps (sorted by step).
   *
   * @param name  observable or metric name
   * @param group the symmetry group, or null for a metric
   */
  public record Series(String name, String group, long[] steps, double[] values) {
    public Series {
      Objects.requireNonNull(name, "name");
      if (steps.length != values.length) {
        throw new IllegalArgumentException("Series " + name + ": " + steps.length + " steps but "
            + values.length + " values");
      }
    }
  }

  /** A row of {@code shocks} of a gallery run (NaN for absent numbers). */
  public record Shock(String series, String group, String kind, long step, long stepLo,
                      long stepHi, double jump, double width, double score) {}

  /**
   * A row of {@code fronts} of a gallery run: where one transition's front passed through one
   * part of the network (steps; NaN width when absent).
   *
   * @param transitionStep the transition's step
   * @param group          the part ({@code layers/layers.1.weight}, {@code attn/head2}, …)
   * @param depth          the part's layer index, or -1 for a map of a whole group
   * @param series         the series whose event is the front
   * @param step           the front's centre
   * @param width          the front's width
   * @param arrivalOrder   1 = reached first; equal steps share an order
   * @param lag            step − the transition's first front's step
   */
  public record Front(long transitionStep, String group, int depth, String series, long step,
                      double width, int arrivalOrder, long lag) {
    public Front {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(series, "series");
    }
  }

  /**
   * A run shown in the gallery.
   *
   * @param reasons     why it was picked ("diverged", "most shocks", "cell sample")
   * @param observables its gallery observables, one series per (name, group)
   * @param loss        its loss metric, or null
   * @param shocks      its shocks
   * @param fronts      its fronts ({@code fronts} table), by transition step and arrival order
   */
  public record GalleryRun(Run run, List<String> reasons, List<Series> observables, Series loss,
                           List<Shock> shocks, List<Front> fronts) {
    public GalleryRun {
      reasons = List.copyOf(reasons);
      observables = List.copyOf(observables);
      shocks = List.copyOf(shocks);
      fronts = List.copyOf(fronts);
    }

    /** A gallery run without fronts (a table written before {@code fronts} existed). */
    public GalleryRun(Run run, List<String> reasons, List<Series> observables, Series loss,
                      List<Shock> shocks) {
      this(run, reasons, observables, loss, shocks, List.of());
    }
  }

  /**
   * The across-run distribution of one observable of one group by step: p10, median and p90
   * over the runs that have it at that step (or step bin), and how many runs that is.
   */
  public record Band(String group, String name, long[] steps, double[] p10, double[] p50,
                     double[] p90, long[] runs) {}

  /**
   * A jump event: its run's temperature (lr / batch_size), width (steps) and viscosity.
   */
  public record LawPoint(String runId, String series, long step, double temperature,
                         double width, double viscosity) {}

  /**
   * The viscosity-law data: a sample of jump events, how many there are in all, the centroid
   * of all of them in (ln T, ln width, ln viscosity) — where the fitted line passes — and the
   * fitted terms.
   */
  public record Viscosity(List<LawPoint> points, long events, double meanLnTemperature,
                          double meanLnWidth, double meanLnViscosity, List<LawTerm> terms,
                          List<SettingSummary> settings) {
    public Viscosity {
      points = List.copyOf(points);
      terms = List.copyOf(terms);
      settings = List.copyOf(settings);
    }

    /** Without a per-setting summary. */
    public Viscosity(List<LawPoint> points, long events, double meanLnTemperature,
                     double meanLnWidth, double meanLnViscosity, List<LawTerm> terms) {
      this(points, events, meanLnTemperature, meanLnWidth, meanLnViscosity, terms, List.of());
    }

    /** No events and no fit. */
    public static Viscosity empty() {
      return new Viscosity(List.of(), 0, Double.NaN, Double.NaN, Double.NaN, List.of());
    }
  }

  /**
   * A running run's risk at its latest forecast step: the largest {@code p_jump} and
   * {@code p_divergence} over the step's horizons and methods, the expected step of the next
   * transition (NaN when none is forming) and the series carrying the warning.
   */
  public record RunRisk(String runId, long step, double pJump, double pDivergence,
                        double expectedStep, List<String> series) {
    public RunRisk {
      Objects.requireNonNull(runId, "runId");
      series = List.copyOf(series);
    }

    /** The larger of the two probabilities. */
    public double risk() {
      return Math.max(pJump, pDivergence);
    }
  }

  /**
   * A transition or divergence detected in a completed run, and how long before it the forecast
   * first alarmed ({@code p_jump} resp. {@code p_divergence} at or above the threshold, after
   * the run's previous transition).
   *
   * @param kind      {@code divergence} or {@code jump}
   * @param eventStep the detected step (runs.divergence_step, transitions.step)
   * @param leadSteps steps from the first alarm to the event, NaN when there was none before it
   * @param leadShare {@code leadSteps} as a share of the run's length (NaN when unknown)
   */
  public record Lead(String runId, String kind, long eventStep, double leadSteps,
                     double leadShare) {}

  /**
   * What the "Runs at risk" section draws (the {@code forecasts} table).
   *
   * @param threshold the alarm threshold of the leads (and of "at risk")
   * @param running   runs that have neither ended (last step at the planned {@code steps}) nor
   *                  diverged
   * @param atRisk    the running runs' risks, highest first, at most the collector's cap
   * @param leads     the detected events of completed runs with their leads
   */
  public record Risk(double threshold, long running, List<RunRisk> atRisk, List<Lead> leads) {
    public Risk {
      atRisk = List.copyOf(atRisk);
      leads = List.copyOf(leads);
    }

    /** No forecasts. */
    public static Risk empty() {
      return new Risk(0.5, 0, List.of(), List.of());
    }
  }
}
