package org.shockscope.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.shockscope.ErrorRecord;

/**
 * A synthetic sweep for report tests, built directly as {@link ReportData}: a grid over lr,
 * batch_size and momentum with seeds, shock and divergence probabilities rising with the
 * temperature lr / batch_size, tanh-shaped trajectories, jump events whose width grows as
 * √T. Run ids and hyperparameter values carry HTML metacharacters on purpose.
 */
final class SyntheticReport {
  static final double[] LRS = {1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3};
  static final int[] BATCHES = {16, 64, 256};
  static final double[] MOMENTA = {0, 0.9};
  static final List<String> GROUPS = List.of("mlp.0", "mlp.1", "attn<q&k>");
  /** The structure of every run: a ReLU MLP with one hidden layer of 64, as recorded. */
  static final String MLP_STRUCTURE = "{\"groups\":[{\"activation\":\"relu\",\"biases\":"
      + "[\"fc1.bias\"],\"hidden\":[{\"name\":\"fc1\",\"width\":64}],\"kind\":\"mlp\","
      + "\"layout\":\"linear\",\"name\":\"fc1\",\"symmetry\":\"permutation x positive "
      + "scaling\",\"weights\":[\"fc1.weight\",\"fc2.weight\"]}],\"notes\":[]}";

  private SyntheticReport() {}

  /** A sweep of {@code runs} runs whose gallery series have {@code steps} points each. */
  static ReportData of(int runs, int steps, int events, int errors) {
    Random rnd = new Random(11);
    ReportOptions opts = ReportOptions.defaults().withTitle("synthetic <sweep> & \"friends\"");
    List<String> hps = List.of("lr", "batch_size", "momentum", "optimizer", "seed");
    List<String> cellCols = List.of("lr", "batch_size", "momentum", "optimizer");
    List<ReportData.Run> rr = new ArrayList<>();
    long lastStep = 2000;
    for (int i = 0; i < runs; i++) {
      double lr = LRS[i % LRS.length];
      int batch = BATCHES[(i / LRS.length) % BATCHES.length];
      double mom = MOMENTA[(i / (LRS.length * BATCHES.length)) % MOMENTA.length];
      String opt = (i / (LRS.length * BATCHES.length * MOMENTA.length)) % 2 == 0 ? "sgd"
          : "adam<β>";
      double t = lr / batch;
      boolean shocked = rnd.nextDouble() < Math.min(0.95, t * 400);
      boolean diverged = lr >= 0.3 && batch <= 64 && rnd.nextDouble() < 0.7;
      Map<String, String> hp = new LinkedHashMap<>();
      hp.put("lr", NumberLabels.exact(lr));
      hp.put("batch_size", NumberLabels.exact(batch));
      hp.put("momentum", NumberLabels.exact(mom));
      hp.put("optimizer", opt);
      hp.put("seed", Integer.toString(i));
      long first = shocked ? (long) (50 + 300 * rnd.nextDouble() / Math.sqrt(t * 1000)) : -1;
      rr.add(new ReportData.Run("run-" + i + (i % 97 == 0 ? "<b>&'\"" : ""), hp, 21, lastStep,
          0.1 + rnd.nextDouble(), diverged, diverged ? 1500L : null,
          shocked ? 1 + rnd.nextInt(4) : 0, shocked ? first : null, MLP_STRUCTURE));
    }
    List<ReportData.Cell> cells = cells(rr, cellCols);
    List<ReportData.Boundary> boundary = new ArrayList<>();
    for (String target : List.of("shock", "divergence")) {
      for (int b : BATCHES) {
        for (double m : MOMENTA) {
          for (String o : List.of("sgd", "adam<β>")) {
            boolean ok = b != 256;
            boundary.add(new ReportData.Boundary(target, "batch_size=" + b + ", momentum=" + m
                + ", optimizer=" + o, 40, ok ? 12 : 0, 1e-3, 0.3, ok ? 0.03 : Double.NaN,
                ok ? 0.1 : Double.NaN, ok ? 0.05 * b / 64 : Double.NaN, ok ? 3.1 : Double.NaN,
                ok ? "ok" : "all_negative"));
          }
        }
      }
    }
    List<ReportData.Importance> imp = List.of(
        new ReportData.Importance("shock", "lr", 0.6, 1),
        new ReportData.Importance("shock", "batch_size", 0.3, 2),
        new ReportData.Importance("shock", "momentum", 0.1, 3),
        new ReportData.Importance("divergence", "lr", 0.8, 1),
        new ReportData.Importance("divergence", "batch_size", 0.2, 2));
    List<ReportData.SurvivalTerm> surv = List.of(
        new ReportData.SurvivalTerm("aft_weibull", "(intercept)", "identity", 5.1, 164, runs, runs / 2),
        new ReportData.SurvivalTerm("aft_weibull", "log10(lr)", "log10", -0.6, 0.55, runs, runs / 2));
    List<ReportData.GalleryRun> gallery = new ArrayList<>();
    for (GallerySelection.Pick p : GallerySelection.pick(rr, cellCols, opts.galleryRuns())) {
      gallery.add(galleryRun(p, steps, lastStep, rnd));
    }
    List<ReportData.Band> bands = new ArrayList<>();
    int bandSteps = Math.min(steps, 200);
    for (String g : GROUPS.subList(0, 2)) {
      for (String name : List.of("raw_norm", "balanced_norm", "redundancy", "drift_fraction")) {
        long[] st = new long[bandSteps];
        double[] p10 = new double[bandSteps];
        double[] p50 = new double[bandSteps];
        double[] p90 = new double[bandSteps];
        long[] n = new long[bandSteps];
        for (int k = 0; k < bandSteps; k++) {
          st[k] = k * lastStep / Math.max(1, bandSteps - 1);
          double base = switch (name) {
            case "raw_norm" -> 10 + 0.004 * st[k];
            case "balanced_norm" -> 8 + 0.002 * st[k];
            case "redundancy" -> (10 + 0.004 * st[k]) / (8 + 0.002 * st[k]);
            default -> 0.05 + 0.1 * Math.exp(-st[k] / 500.0);
          };
          p50[k] = base;
          p10[k] = base * 0.9;
          p90[k] = base * 1.1;
          n[k] = runs;
        }
        bands.add(new ReportData.Band(g, name, st, p10, p50, p90, n));
      }
    }
    List<ReportData.LawPoint> pts = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      ReportData.Run r = rr.get(i % rr.size());
      double t = Double.parseDouble(r.hyperparameters().get("lr"))
          / Double.parseDouble(r.hyperparameters().get("batch_size"));
      double w = 40 * Math.sqrt(t / 1e-3) * Math.exp(0.2 * rnd.nextGaussian());
      pts.add(new ReportData.LawPoint(r.runId(), "effective_rank", 100 + i % 1000, t, w,
          0.25 * w * (0.5 + rnd.nextDouble())));
    }
    double mx = pts.stream().mapToDouble(p -> Math.log(p.temperature())).average().orElse(Double.NaN);
    double my = pts.stream().mapToDouble(p -> Math.log(p.width())).average().orElse(Double.NaN);
    double mv = pts.stream().mapToDouble(p -> Math.log(p.viscosity())).average().orElse(Double.NaN);
    List<ReportData.LawTerm> terms = events == 0 ? List.of() : List.of(
        new ReportData.LawTerm("log_width", "log_temperature", 0.5, 0.01, 0.48, 0.52, 1e-30, events, 0.8),
        new ReportData.LawTerm("log_width", "intercept", 7.1, 0.05, 7.0, 7.2, 1e-40, events, 0.8),
        new ReportData.LawTerm("log_viscosity", "log_temperature", 0.45, 0.02, 0.41, 0.49, 1e-20, events, 0.6),
        new ReportData.LawTerm("log_viscosity", "intercept", 5.1, 0.05, 5.0, 5.2, 1e-40, events, 0.6));
    List<ErrorRecord> errs = new ArrayList<>();
    for (int i = 0; i < Math.min(errors, 100); i++) {
      errs.add(new ErrorRecord("file:/sweep/run-" + i + "/checkpoints/step_<" + i + ">.pt",
          "run-" + i, (long) i, "read", "PickleRefused",
          "refused <pickle> & \"quotes\" in 'step_" + i + ".pt': convert with safetensors"));
    }
    long nShocks = rr.stream().mapToLong(ReportData.Run::shocks).sum();
    ReportData.Summary summary = new ReportData.Summary(runs, runs * 21L, nShocks,
        Map.of("jump", nShocks - nShocks / 5, "spike", nShocks / 5), nShocks / 2,
        rr.stream().filter(ReportData.Run::diverged).count(), errors, errs);
    return new ReportData(opts.title(), "file:/tmp/out <&>", "2026-01-01T00:00:00Z", summary,
        Set.of(), hps, rr, cellCols, cells, boundary, imp, surv, gallery, bands,
        new ReportData.Viscosity(pts, events, mx, my, mv, terms, settings(rr, pts)), opts,
        List.of(), risk(rr));
  }

  /**
   * Forecast data for the runs: the first tenth still running, each with a risk rising with
   * its index; every diverged run's divergence and every shocked run's first shock alarmed
   * (or, one in five, not) some steps before.
   */
  static ReportData.Risk risk(List<ReportData.Run> runs) {
    List<ReportData.RunRisk> atRisk = new ArrayList<>();
    List<ReportData.Lead> leads = new ArrayList<>();
    int running = runs.size() / 10;
    for (int i = 0; i < runs.size(); i++) {
      ReportData.Run r = runs.get(i);
      if (i < running) {
        if (atRisk.size() < RiskCollector.MAX_AT_RISK) {
          double p = (double) (running - i) / running;
          atRisk.add(new ReportData.RunRisk(r.runId(), 100 + i, p / 2, p, 150 + i,
              List.of("loss", "attn<q&k>/qk_spectral_norm")));
        }
        continue;
      }
      double lead = i % 5 == 0 ? Double.NaN : 5 + i % 40;
      if (r.divergenceStep() != null) {
        leads.add(new ReportData.Lead(r.runId(), "divergence", r.divergenceStep(), lead,
            lead / 2000));
      }
      if (r.firstShockStep() != null) {
        leads.add(new ReportData.Lead(r.runId(), "jump", r.firstShockStep(), lead * 3,
            lead * 3 / 2000));
      }
    }
    return new ReportData.Risk(0.5, running, atRisk, leads);
  }

  /** Per (optimizer, momentum) of the runs: their events' median width, viscosity, temperature. */
  static List<ReportData.SettingSummary> settings(List<ReportData.Run> runs,
                                                  List<ReportData.LawPoint> pts) {
    Map<String, String> settingOf = new java.util.HashMap<>();
    Map<String, Long> runsOf = new java.util.TreeMap<>();
    for (ReportData.Run r : runs) {
      String key = r.hyperparameters().get("optimizer") + "|" + r.hyperparameters().get("momentum");
      settingOf.put(r.runId(), key);
      runsOf.merge(key, 1L, Long::sum);
    }
    Map<String, List<ReportData.LawPoint>> byKey = new java.util.HashMap<>();
    for (ReportData.LawPoint q : pts) {
      byKey.computeIfAbsent(settingOf.get(q.runId()), k -> new ArrayList<>()).add(q);
    }
    List<ReportData.SettingSummary> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : runsOf.entrySet()) {
      String[] k = e.getKey().split("\\|");
      List<ReportData.LawPoint> q = byKey.getOrDefault(e.getKey(), List.of());
      out.add(new ReportData.SettingSummary(k[0], Double.parseDouble(k[1]), Double.NaN,
          Double.NaN, 0, e.getValue(), q.stream().map(ReportData.LawPoint::runId).distinct()
          .count(), q.size(), median(q.stream().mapToDouble(ReportData.LawPoint::width)),
          median(q.stream().mapToDouble(ReportData.LawPoint::viscosity)),
          median(q.stream().mapToDouble(ReportData.LawPoint::temperature))));
    }
    return out;
  }

  private static double median(java.util.stream.DoubleStream s) {
    double[] v = s.sorted().toArray();
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2]
        : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
  }

  /** λ₀ of the catapult family's linear and ReLU networks (the lab demo's values). */
  static final Map<String, Double> LAMBDA0 = Map.of("linear", 14.032442383024508,
      "relu", 21.406426876018624);

  /**
   * A sweep pooling two model families as the lab demo does: 16 deep linear chains (lr 0.01 or
   * 0.02 × depth 2 or 3 × aligned or random init × 2 seeds), all shocked, and 24 catapult MLPs
   * (lr_scale 0.5 … 24 × linear or ReLU × 2 seeds, lr = lr_scale / λ₀ of the activation),
   * shocked at lr_scale 2.5 and 3, diverged from 8 on. Cells as {@code group_by} makes them,
   * {@code model} among the cell columns when {@code withModel}, else no {@code model} at all;
   * each run's structure recorded as the reduction records it.
   */
  static ReportData pooled(boolean withModel) {
    List<String> hps = new ArrayList<>(List.of("model", "lr", "lr_scale", "depth", "init",
        "activation", "seed"));
    List<String> cellCols = new ArrayList<>(hps.subList(0, hps.size() - 1));
    if (!withModel) {
      hps.remove("model");
      cellCols.remove("model");
    }
    List<ReportData.Run> rr = new ArrayList<>();
    for (String lr : List.of("0.01", "0.02")) {
      for (int depth : new int[] {2, 3}) {
        for (String init : List.of("aligned", "random")) {
          for (int seed = 0; seed < 2; seed++) {
            Map<String, String> hp = new LinkedHashMap<>();
            hp.put("model", "deep-linear");
            hp.put("lr", lr);
            hp.put("depth", Integer.toString(depth));
            hp.put("init", init);
            hp.put("activation", "linear");
            hp.put("seed", Integer.toString(seed));
            String json = depth == 2 ? RecordedStructures.linearChain(10, 8, 8)
                : RecordedStructures.linearChain(10, 8, 8, 8);
            rr.add(run("deep-linear_lr" + lr + "_L" + depth + "_" + init + "_s" + seed, hp,
                withModel, 1000, true, false, json));
          }
        }
      }
    }
    for (double scale : new double[] {0.5, 1.5, 2.5, 3, 8, 24}) {
      for (String act : List.of("linear", "relu")) {
        for (int seed = 0; seed < 2; seed++) {
          Map<String, String> hp = new LinkedHashMap<>();
          hp.put("model", "catapult");
          hp.put("lr", NumberLabels.exact(scale / LAMBDA0.get(act)));
          hp.put("lr_scale", NumberLabels.exact(scale));
          hp.put("depth", "2");
          hp.put("activation", act);
          hp.put("seed", Integer.toString(seed));
          rr.add(run("catapult_x" + scale + "_" + act + "_s" + seed, hp, withModel, 100,
              scale >= 2.5 && scale <= 3, scale >= 8,
              RecordedStructures.mlp(8, 64, 1, act, true)));
        }
      }
    }
    // lr ranks first (as in the lab demo), then lr_scale
    List<ReportData.Importance> imp = List.of(
        new ReportData.Importance("divergence", "lr", 0.54, 1),
        new ReportData.Importance("divergence", "lr_scale", 0.32, 2),
        new ReportData.Importance("shock", "lr_scale", 0.16, 1));
    ReportData e = empty(Set.of());
    long shocked = rr.stream().filter(r -> r.shocks() > 0).count();
    ReportData.Summary summary = new ReportData.Summary(rr.size(), 21L * rr.size(), shocked,
        Map.of("jump", shocked), shocked, rr.stream().filter(ReportData.Run::diverged).count(),
        0, List.of());
    return new ReportData("pooled", e.source(), e.generated(), summary, Set.of(), hps, rr,
        cellCols, cells(rr, cellCols), List.of(), imp, List.of(), List.of(), List.of(),
        ReportData.Viscosity.empty(), ReportOptions.defaults());
  }

  private static ReportData.Run run(String id, Map<String, String> hp, boolean withModel,
                                    long steps, boolean shocked, boolean diverged,
                                    String structure) {
    if (!withModel) {
      hp.remove("model");
    }
    return new ReportData.Run(id, hp, 21, steps, 0.1, diverged, diverged ? steps / 2 : null,
        shocked ? 1 : 0, shocked ? (Long) (steps / 3 + Math.floorMod(id.hashCode(), 7)) : null,
        structure);
  }

  /** A report with no data at all, the given tables missing. */
  static ReportData empty(Set<String> missing) {
    return new ReportData("empty", "file:/nowhere", "2026-01-01T00:00:00Z",
        new ReportData.Summary(0, 0, 0, Map.of(), 0, 0, 0, List.of()), missing, List.of(),
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        ReportData.Viscosity.empty(), ReportOptions.defaults());
  }

  /** {@code d} with other phase-diagram cells (and cell columns). */
  static ReportData withCells(ReportData d, List<String> cellColumns, List<ReportData.Cell> cells,
                              List<ReportData.Importance> importance) {
    return new ReportData(d.title(), d.source(), d.generated(), d.summary(), d.missingTables(),
        d.hyperparameters(), d.runs(), cellColumns, cells, d.boundary(), importance,
        d.survival(), d.gallery(), d.symmetry(), d.viscosity(), d.options());
  }

  /** A phase_stats cell with these counts (rates and intervals from them). */
  static ReportData.Cell cell(List<String> values, long runs, long shocked, long diverged) {
    WilsonInterval s = WilsonInterval.of(shocked, runs);
    WilsonInterval d = WilsonInterval.of(diverged, runs);
    return new ReportData.Cell(values, runs, shocked, s.rate(), s.lo(), s.hi(), diverged,
        d.rate(), d.lo(), d.hi(), 100, 200, 300, 40, 10, 1e-4);
  }

  private static List<ReportData.Cell> cells(List<ReportData.Run> runs, List<String> cols) {
    Map<List<String>, long[]> agg = new LinkedHashMap<>();
    for (ReportData.Run r : runs) {
      long[] c = agg.computeIfAbsent(r.values(cols), k -> new long[3]);
      c[0]++;
      c[1] += r.shocks() > 0 ? 1 : 0;
      c[2] += r.diverged() ? 1 : 0;
    }
    List<ReportData.Cell> out = new ArrayList<>();
    for (Map.Entry<List<String>, long[]> e : agg.entrySet()) {
      long[] c = e.getValue();
      out.add(cell(e.getKey(), c[0], c[1], c[2]));
    }
    return out;
  }

  private static ReportData.GalleryRun galleryRun(GallerySelection.Pick p, int steps,
                                                  long lastStep, Random rnd) {
    ReportData.Run r = p.run();
    long[] st = new long[steps];
    for (int k = 0; k < steps; k++) {
      st[k] = k * lastStep / Math.max(1, steps - 1);
    }
    List<ReportData.Series> obs = new ArrayList<>();
    List<ReportData.Shock> shocks = new ArrayList<>();
    double ts = r.firstShockStep() == null ? 1e9 : r.firstShockStep();
    for (String g : GROUPS) {
      for (String name : List.of("effective_rank", "stable_rank", "quotient_step", "alpha")) {
        double[] v = new double[steps];
        for (int k = 0; k < steps; k++) {
          double level = name.equals("quotient_step") ? 0.5 * Math.exp(-st[k] / 400.0) : 2;
          v[k] = level + (name.equals("quotient_step") ? 0 : 1.5 * Math.tanh((st[k] - ts) / 40.0))
              + 0.03 * rnd.nextGaussian() + GROUPS.indexOf(g) * 0.3;
        }
        obs.add(new ReportData.Series(name, g, st, v));
      }
      if (r.firstShockStep() != null) {
        shocks.add(new ReportData.Shock("effective_rank", g, "jump", r.firstShockStep(),
            r.firstShockStep() - 40, r.firstShockStep() + 40, 3, 40, 0.9));
      }
    }
    double[] loss = new double[steps];
    for (int k = 0; k < steps; k++) {
      loss[k] = 2.0 * Math.exp(-st[k] / 300.0) + 0.01 + 0.5 * Math.exp(-Math.pow((st[k] - 900) / 20.0, 2));
    }
    shocks.add(new ReportData.Shock("loss", null, "spike", 900, 880, 920, 0.5, 20, 0.7));
    shocks.add(new ReportData.Shock("train_accuracy", null, "jump", 1200, 1180, 1220, 0.2, 15, 0.6));
    if (r.diverged()) {
      shocks.add(new ReportData.Shock("loss", null, "divergence", 1500, 1500, 1500, Double.NaN,
          Double.NaN, 1));
    }
    // a front travelling through a depth-3 chain, then its end-to-end map, at each transition
    List<ReportData.Front> fronts = new ArrayList<>();
    if (r.firstShockStep() != null) {
      long base = Math.min(r.firstShockStep(), lastStep - 600);
      for (long t : List.of(base, base + 400)) {
        String[] parts = {"layers/layers.0.weight", "layers/layers.1.weight",
            "layers/layers.2.weight", "layers/end_to_end"};
        int[] depths = {0, 1, 2, -1};
        for (int i = 0; i < parts.length; i++) {
          String series = parts[i].substring(parts[i].indexOf('/') + 1) + "/sv1";
          fronts.add(new ReportData.Front(t, parts[i], depths[i], series, t + 15L * i, 12 + i,
              i + 1, 15L * i));
        }
      }
    }
    return new ReportData.GalleryRun(r, List.of(p.reason()), obs,
        new ReportData.Series("loss", null, st, loss), shocks, fronts);
  }
}
