package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.io.Tensor;

/**
 * Generates {@link TinySweep} once and parses every file of every layout back, checking the
 * SPEC §3 structure literally and that all layouts carry the same training results as the
 * runs trained in memory.
 */
class LabLayoutsTest {
  /** Reads JSON as Python writes it, bare NaN / Infinity included. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader()
      .setSkipHeaderRecord(true).build();

  @TempDir
  static Path dir;
  static LabSummary summary;
  static Map<String, TrainedRun> runs = new HashMap<>();
  static List<String> order = new ArrayList<>();

  @BeforeAll
  static void generate() {
    LabConfig c = TinySweep.config();
    summary = Lab.generate(c, dir);
    for (PlannedRun p : c.plan()) {
      runs.put(p.runId(), p.train());
      order.add(p.runId());
    }
  }

  @Test
  void summaryCountsWhatWasWritten() throws IOException {
    assertEquals(2, summary.runsPerFamily().get(Family.DEEP_LINEAR));
    assertEquals(1, summary.runsPerFamily().get(Family.TEACHER_STUDENT));
    assertEquals(2, summary.runsPerFamily().get(Family.CATAPULT));
    assertEquals(2, summary.divergedRuns());
    try (Stream<Path> s = Files.walk(dir)) {
      assertEquals(summary.files(), s.filter(Files::isRegularFile).count());
    }
  }

  @Test
  void nativeLayoutMatchesTrainedRuns() throws IOException {
    Path root = dir.resolve("native");
    JsonNode sweep = JSON.readTree(root.resolve("sweep.json").toFile());
    assertEquals("tiny", sweep.get("name").asText());
    assertTrue(sweep.get("group_by").toString().contains("\"lr\""));
    List<CSVRecord> manifest = records(root.resolve("runs.csv"));
    assertEquals(order, manifest.stream().map(r -> r.get("run_id")).toList());
    for (int i = 0; i < order.size(); i++) {
      TrainedRun run = runs.get(order.get(i));
      Path rd = root.resolve(run.runId());
      assertParams(run, JSON.readTree(rd.resolve("params.json").toFile()), manifest.get(i));
      List<CSVRecord> metrics = records(rd.resolve("metrics.csv"));
      assertEquals(List.of("step", "loss"), metrics.get(0).getParser().getHeaderNames());
      assertSeries(run.metrics(), metrics.stream().map(r -> r.get("step")).toList(),
          metrics.stream().map(r -> r.get("loss")).toList());
      boolean npz = i % 2 == 1;
      for (Checkpoint cp : run.checkpoints()) {
        Path f = rd.resolve("checkpoints").resolve("step_" + cp.step()
            + (npz ? ".npz" : ".safetensors"));
        assertTensors(cp, npz ? TensorFileParser.npz(f) : TensorFileParser.safetensors(f));
      }
      try (Stream<Path> s = Files.list(rd.resolve("checkpoints"))) {
        assertEquals(run.checkpoints().size(), s.count());
      }
    }
  }

  @Test
  void hfLayoutMatchesTrainedRuns() throws IOException {
    Path root = dir.resolve("hf");
    List<CSVRecord> manifest = records(root.resolve("runs.csv"));
    for (int i = 0; i < order.size(); i++) {
      TrainedRun run = runs.get(order.get(i));
      Path rd = root.resolve(run.runId());
      assertParams(run, JSON.readTree(rd.resolve("params.json").toFile()), manifest.get(i));
      JsonNode config = JSON.readTree(rd.resolve("config.json").toFile());
      assertEquals(run.family() == Family.DEEP_LINEAR ? "deep-linear" : "mlp",
          config.get("model_type").asText());
      assertEquals(run.params().get("width"), config.get("hidden_size").asInt());
      assertEquals(run.params().get("activation"), config.get("activation").asText());
      JsonNode state = JSON.readTree(rd.resolve("trainer_state.json").toFile());
      assertEquals(run.lastStep(), state.get("global_step").asInt());
      List<String> steps = new ArrayList<>();
      List<String> losses = new ArrayList<>();
      for (JsonNode e : state.get("log_history")) {
        steps.add(e.get("step").asText());
        losses.add(e.get("loss").asText());
      }
      assertSeries(run.metrics(), steps, losses);
      for (Checkpoint cp : run.checkpoints()) {
        Path cd = rd.resolve("checkpoint-" + cp.step());
        JsonNode index = JSON.readTree(cd.resolve("model.safetensors.index.json").toFile());
        Map<String, double[]> all = new HashMap<>();
        long bytes = 0;
        for (String shard : Set.copyOf(valuesOf(index.get("weight_map")))) {
          assertTrue(shard.matches("model-0000[12]-of-00002\\.safetensors"), shard);
          Map<String, double[]> part = TensorFileParser.safetensors(cd.resolve(shard));
          for (Map.Entry<String, double[]> e : part.entrySet()) {
            assertEquals(shard, index.get("weight_map").get(e.getKey()).asText());
            bytes += 4L * e.getValue().length;
          }
          all.putAll(part);
        }
        assertEquals(bytes, index.get("metadata").get("total_size").asLong());
        assertTensors(cp, all);
        assertEquals("mlp".equals(config.get("model_type").asText()) ? "mlp" : "deep-linear",
            JSON.readTree(cd.resolve("config.json").toFile()).get("model_type").asText());
      }
      Checkpoint last = run.checkpoints().get(run.checkpoints().size() - 1);
      assertTrue(Files.exists(rd.resolve("checkpoint-" + last.step())
          .resolve("trainer_state.json")));
    }
  }

  @Test
  void mlflowLayoutMatchesTrainedRuns() throws IOException {
    Path exp = dir.resolve("mlflow").resolve("mlruns").resolve("1");
    assertTrue(Files.readString(exp.resolve("meta.yaml")).contains("name: 'tiny'\n"));
    Map<String, Path> byName = new HashMap<>();
    try (Stream<Path> s = Files.list(exp)) {
      for (Path p : s.filter(Files::isDirectory).toList()) {
        String uuid = p.getFileName().toString();
        assertTrue(uuid.matches("[0-9a-f]{32}"), uuid);
        String meta = Files.readString(p.resolve("meta.yaml"));
        assertTrue(meta.contains("\nrun_id: " + uuid + "\n"), meta);
        assertTrue(meta.contains("\nexperiment_id: '1'\n"), meta);
        byName.put(Files.readString(p.resolve("tags").resolve("mlflow.runName")), p);
      }
    }
    assertEquals(Set.copyOf(order), byName.keySet());
    for (String id : order) {
      TrainedRun run = runs.get(id);
      Path rd = byName.get(id);
      for (Map.Entry<String, Object> e : run.params().entrySet()) {
        assertEquals(run.param(e.getKey()),
            Files.readString(rd.resolve("params").resolve(e.getKey())), id + " " + e.getKey());
      }
      List<String> steps = new ArrayList<>();
      List<String> losses = new ArrayList<>();
      for (String line : Files.readAllLines(rd.resolve("metrics").resolve("loss"))) {
        String[] f = line.split(" ");
        assertEquals(3, f.length, line);
        assertTrue(Long.parseLong(f[0]) >= MlflowLayoutWriter.BASE_TIME_MS, line);
        losses.add(f[1]);
        steps.add(f[2]);
      }
      assertSeries(run.metrics(), steps, losses);
      for (Checkpoint cp : run.checkpoints()) {
        assertTensors(cp, TensorFileParser.safetensors(rd.resolve("artifacts")
            .resolve("checkpoints").resolve("step_" + cp.step() + ".safetensors")));
      }
    }
  }

  @Test
  void truthCsvListsEveryRunsEvents() throws IOException {
    List<CSVRecord> rows = records(dir.resolve("truth.csv"));
    assertEquals(TruthCsvWriter.HEADER, rows.get(0).getParser().getHeaderNames());
    int expected = runs.values().stream().mapToInt(r -> r.truth().size()).sum();
    assertEquals(expected, rows.size());
    assertEquals(expected, summary.truthEvents());
    for (CSVRecord r : rows) {
      TrainedRun run = runs.get(r.get("run_id"));
      assertNotNull(run, r.get("run_id"));
      assertEquals(run.family().label(), r.get("family"));
      assertTrue(Set.of("jump", "spike", "divergence").contains(r.get("kind")));
      assertTrue(Set.of("analytic", "measured").contains(r.get("source")));
      Double.parseDouble(r.get("step"));
      assertFalse(r.get("detail").isBlank());
      if (r.get("kind").equals("divergence")) {
        assertEquals(run.lastStep(), Integer.parseInt(r.get("step")));
        assertEquals(run.divergenceStep(), run.lastStep());
      }
    }
  }

  @Test
  void overflowingLossIsWrittenAsPythonWritesIt() throws IOException {
    String id = order.stream().filter(s -> s.contains("lr1.0E150")).findFirst().orElseThrow();
    List<CSVRecord> metrics = records(dir.resolve("native").resolve(id).resolve("metrics.csv"));
    assertEquals(2, metrics.size());
    assertEquals("1", metrics.get(1).get("step"));
    assertEquals("inf", metrics.get(1).get("loss"));
    String state = Files.readString(dir.resolve("hf").resolve(id).resolve("trainer_state.json"));
    assertTrue(state.contains("\"loss\": Infinity"), state);
    assertTrue(Double.isInfinite(JSON.readTree(state).get("log_history").get(1).get("loss")
        .asDouble()));
  }

  @Test
  void refusesToOverwriteAndRegenerates() {
    LabException e = org.junit.jupiter.api.Assertions.assertThrows(LabException.class,
        () -> Lab.generate(TinySweep.config(), dir));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  private static void assertParams(TrainedRun run, JsonNode json, CSVRecord row) {
    assertEquals(run.runId(), row.get("run_id"));
    assertEquals(run.params().size(), json.size());
    for (Map.Entry<String, Object> e : run.params().entrySet()) {
      JsonNode v = json.get(e.getKey());
      assertNotNull(v, run.runId() + " params.json lacks " + e.getKey());
      if (e.getValue() instanceof String s) {
        assertEquals(s, v.asText());
      } else {
        assertEquals(((Number) e.getValue()).doubleValue(), v.asDouble(), 0.0);
      }
      assertEquals(run.param(e.getKey()), row.get(e.getKey()));
      if (e.getValue() instanceof Double d) {
        assertEquals(d, Double.parseDouble(row.get(e.getKey())), 0.0);
      }
    }
  }

  private static void assertSeries(StepSeries expected, List<String> steps,
                                   List<String> values) {
    assertEquals(expected.size(), steps.size());
    for (int i = 0; i < steps.size(); i++) {
      assertEquals(expected.steps()[i], Integer.parseInt(steps.get(i)));
      assertEquals(expected.values()[i], parsePython(values.get(i)), 0.0);
    }
  }

  private static double parsePython(String s) {
    return switch (s) {
      case "nan", "NaN" -> Double.NaN;
      case "inf", "Infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  private static void assertTensors(Checkpoint cp, Map<String, double[]> read) {
    assertEquals(cp.tensors().stream().map(Tensor::name).toList().size(), read.size());
    for (Tensor t : cp.tensors()) {
      double[] v = read.get(t.name());
      assertNotNull(v, t.name());
      double[] asFloat = new double[t.numel()];
      for (int i = 0; i < asFloat.length; i++) {
        asFloat[i] = (float) t.data()[i];
      }
      assertArrayEquals(asFloat, v, 0.0, t.name() + " at step " + cp.step());
    }
  }

  private static List<CSVRecord> records(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file); CSVParser p = CSV.parse(r)) {
      return p.getRecords();
    }
  }

  private static List<String> valuesOf(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.elements().forEachRemaining(n -> out.add(n.asText()));
    return out;
  }
}
