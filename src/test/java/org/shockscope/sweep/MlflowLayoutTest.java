package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shockscope.sweep.SweepFolder.text;
import static org.shockscope.sweep.SweepFolder.uri;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ErrorRecord;

class MlflowLayoutTest {
  private static final String U1 = "0123456789abcdef0123456789abcdef";
  private static final String U2 = "11111111111111111111111111111111";
  private static final String U3 = "22222222222222222222222222222222";
  private static final String U4 = "33333333333333333333333333333333";
  private static final String U5 = "44444444444444444444444444444444";

  @TempDir
  Path dir;
  private Path root;
  private Path exp;
  private long ck100;
  private long ck200;

  private static void run(Path exp, String uuid, String runName, String lifecycle) {
    Path r = exp.resolve(uuid);
    text(r.resolve("meta.yaml"), "artifact_uri: file:///elsewhere/" + uuid + "/artifacts\n"
        + "end_time: 1700000001000\nexperiment_id: '1'\nlifecycle_stage: " + lifecycle + "\n"
        + "run_id: " + uuid + "\nrun_uuid: " + uuid + "\nstatus: 3\n");
    if (runName != null) {
      text(r.resolve("tags/mlflow.runName"), runName);
    }
    text(r.resolve("tags/mlflow.user"), "alice");
    text(r.resolve("params/seed"), "0");
    text(r.resolve("metrics/loss"), "1700000000000 1.0 0\n1700000000100 0.5 1\n");
  }

  @BeforeEach
  void writeStore() {
    root = dir.resolve("project");
    Path mlruns = root.resolve("mlruns");
    text(mlruns.resolve("0/meta.yaml"), "experiment_id: '0'\nlifecycle_stage: active\n"
        + "name: Default\n");
    text(mlruns.resolve("models/.keep"), "");
    text(mlruns.resolve(".trash/readme"), "");
    exp = mlruns.resolve("1");
    text(exp.resolve("meta.yaml"), "experiment_id: '1'\nlifecycle_stage: active\nname: scan\n");
    text(exp.resolve("tags/mlflow.note.content"), "experiment tags are not runs");
    Path r1 = exp.resolve(U1);
    text(r1.resolve("meta.yaml"), "experiment_id: '1'\nlifecycle_stage: active\nrun_id: " + U1
        + "\n");
    text(r1.resolve("tags/mlflow.runName"), "alpha");
    text(r1.resolve("params/lr"), "0.001");
    text(r1.resolve("params/optimizer"), "sgd");
    text(r1.resolve("params/use_bias"), "True");
    text(r1.resolve("params/model/width"), "128\n");
    text(r1.resolve("metrics/train/loss"), "1700000000000 2.5 0\n1700000000500 nan 10\n"
        + "1700000000600 inf 20\n1700000000700 -inf 30\n1700000000800 0.5 10\n");
    text(r1.resolve("metrics/acc"), "1700000000000 0.1\n1700000000001 0.2\n");
    ck100 = SweepFolder.safetensors(r1.resolve("artifacts/checkpoints/step_100.safetensors"), 1);
    ck200 = SweepFolder.safetensors(r1.resolve(
        "artifacts/hf/out/checkpoint-200/model.safetensors"), 2);
    text(r1.resolve("artifacts/hf/out/checkpoint-200/config.json"), "{\"hidden_size\": 8}");
    text(r1.resolve("artifacts/model/data/model.pth"), "mlflow.pytorch model, not a checkpoint");
    text(r1.resolve("artifacts/plots/step_100.png"), "an image");
    run(exp, U2, "dup", "active");
    run(exp, U3, "dup", "active");
    run(exp, U4, "gone", "deleted");
    run(exp, U5, null, "active");
  }

  @Test
  void discoversRunsParamsNestedMetricsAndArtifactCheckpoints() {
    Sweep s = SweepDiscovery.discover(root.toString(), SweepFolder.conf(3));
    assertEquals(List.of(), s.errors());
    assertEquals(SweepLayout.MLFLOW, s.layout());
    assertEquals("project", s.name());
    // A unique runName is the run id; the two runs named "dup" keep their uuids; the deleted
    // run is skipped; a run without a name keeps its uuid.
    assertEquals(List.of(U2, U3, U5, "alpha"), s.runs().stream().map(RunInfo::runId).toList());

    RunInfo a = s.runs().get(3);
    assertEquals(uri(exp.resolve(U1)), a.location());
    assertEquals(Map.of("lr", "0.001", "optimizer", "sgd", "use_bias", "True", "model/width",
        "128", "mlflow.run_id", U1), a.params());
    assertEquals(Map.of("lr", 0.001, "model/width", 128.0), a.numericParams());
    assertEquals(Map.of(
        "train/loss", new MetricSeries("train/loss", new long[] {0, 10, 20, 30},
            new double[] {2.5, 0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}),
        "acc", new MetricSeries("acc", new long[] {0, 1}, new double[] {0.1, 0.2})),
        a.metrics());
    Path art = exp.resolve(U1).resolve("artifacts");
    assertEquals(List.of(
        new CheckpointRef(100, List.of(uri(art.resolve("checkpoints/step_100.safetensors"))),
            ck100, "safetensors"),
        new CheckpointRef(200, List.of(uri(art.resolve("hf/out/checkpoint-200/model.safetensors"))),
            ck200, "safetensors")),
        a.checkpoints());
    assertEquals("{\"hidden_size\": 8}", a.configJson());

    RunInfo dup = s.runs().get(0);
    assertEquals(Map.of("seed", "0", "mlflow.run_id", U2), dup.params());
    assertEquals(Map.of("loss", new MetricSeries("loss", new long[] {0, 1},
        new double[] {1.0, 0.5})), dup.metrics());
  }

  @Test
  void storeExperimentAndParentFolderGiveTheSameRuns() {
    Sweep parent = SweepDiscovery.discover(root.toString(), SweepFolder.conf(1));
    Sweep store = SweepDiscovery.discover(uri(root.resolve("mlruns")), SweepFolder.conf(1));
    Sweep experiment = SweepDiscovery.discover(exp.toString(), SweepFolder.conf(2));
    for (Sweep s : List.of(store, experiment)) {
      assertEquals(SweepLayout.MLFLOW, s.layout());
      assertEquals(parent.runs(), s.runs());
      assertEquals(parent.errors(), s.errors());
    }
  }

  @Test
  void folderOfAnExperimentThatIsNotARunIsRecorded() {
    text(exp.resolve("abandoned/meta.yaml"), "lifecycle_stage: active\n");
    Sweep s = SweepDiscovery.discover(root.toString(), SweepFolder.conf(1));
    assertEquals(1, s.errors().size(), s.errors().toString());
    ErrorRecord e = s.errors().get(0);
    assertEquals("not_a_run", e.error());
    assertEquals(uri(exp.resolve("abandoned")), e.source());
    assertEquals(4, s.runs().size());
  }

  @Test
  void badMetricLineIsOneErrorUnderTheFinalRunId() {
    text(exp.resolve(U1).resolve("metrics/acc"), "1700000000000 0.1 0\nbroken\n"
        + "1700000000002 zero 2\n1700000000003 0.3 3\n");
    Sweep s = SweepDiscovery.discover(root.toString(), SweepFolder.conf(1));
    assertEquals(1, s.errors().size(), s.errors().toString());
    ErrorRecord e = s.errors().get(0);
    assertEquals("bad_lines", e.error());
    assertEquals("alpha", e.runId());
    assertEquals(uri(exp.resolve(U1).resolve("metrics/acc")), e.source());
    assertTrue(e.message().contains("2 problems") && e.message().contains("line 2")
        && e.message().contains("'zero'"), e.message());
    assertEquals(new MetricSeries("acc", new long[] {0, 3}, new double[] {0.1, 0.3}),
        s.runs().get(3).metrics().get("acc"));
  }
}
