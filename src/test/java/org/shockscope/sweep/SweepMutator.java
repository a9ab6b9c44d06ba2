package org.shockscope.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.shockscope.io.NumpyWriter;
import org.shockscope.io.SafetensorsWriter;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.sweep.SweepMutation.Kind;
import org.shockscope.sweep.SweepMutation.Outcome;

/**
 * Applies one {@link SweepMutation} to a copy of a valid sweep written by the lab (native,
 * Hugging Face or MLflow layout) and says what the readers must make of it: how many error
 * rows must name which file, and which runs may change. Targets are drawn from the files the
 * readers actually read (a checkpoint's {@code config.json} is not read when its run has one,
 * so it is never a target). Every random choice comes from the mutation's seed.
 */
public final class SweepMutator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STEP_FILE = Pattern.compile("step_(\\d+)\\.(safetensors|npz|npy)");
  private static final Pattern HF_FOLDER = Pattern.compile("checkpoint-(\\d+)");
  private static final List<String> FOREIGN = List.of("abc", "<b>x</b>", "1.2.3", "true",
      "--1", "\uff11\uff12", "0x1F", "1e", "NaN(");
  private static final List<String> WEIRD_NAMES = List.of("run with spaces",
      "\u00fcn\u00efc\u00f8d\u00e9-\u8fd0\u884c-\ud83d\ude80",
      "<b>run & \"q\" 'x'", "long-" + "x".repeat(200), "50% lr#1?q=a:b",
      "<img src=x onerror=alert(1)>");

  private final Path root;
  private final String layout;
  /** Run folder (relative, slash-separated) to clean run id. */
  private final Map<String, String> runByFolder;
  /** MLflow: clean run id to its uuid. */
  private final Map<String, String> uuidByRun;

  /**
   * @param root        the sweep copy to mutate
   * @param layout      {@code native}, {@code hf} or {@code mlflow}
   * @param runByFolder the clean sweep's run folders (relative) and their run ids
   * @param uuidByRun   MLflow only: the clean run ids' uuids (empty otherwise)
   */
  public SweepMutator(Path root, String layout, Map<String, String> runByFolder,
                      Map<String, String> uuidByRun) {
    this.root = root;
    this.layout = layout;
    this.runByFolder = runByFolder;
    this.uuidByRun = uuidByRun;
  }

  /** The relative run folders and run ids of a clean sweep's discovery. */
  public static Map<String, String> runFolders(Sweep clean) {
    Map<String, String> out = new TreeMap<>();
    String prefix = clean.uri() + "/";
    for (RunInfo r : clean.runs()) {
      out.put(r.location().substring(prefix.length()), r.runId());
    }
    return out;
  }

  /** MLflow run uuids by run id of a clean sweep. */
  public static Map<String, String> uuids(Sweep clean) {
    Map<String, String> out = new TreeMap<>();
    for (RunInfo r : clean.runs()) {
      String u = r.params().get(MlflowRunReader.RUN_ID_PARAM);
      if (u != null) {
        out.put(r.runId(), u);
      }
    }
    return out;
  }

  /**
   * Applies a mutation of {@code kind} drawn with {@code seed}, avoiding the runs in
   * {@code avoid}; with {@code runLevelOnly}, files of the sweep itself (runs.csv, sweep.json,
   * top-level links) are not targets. Returns null when the layout offers no target.
   */
  public Outcome apply(Kind kind, long seed, Set<String> avoid, boolean runLevelOnly) {
    Random rnd = new Random(seed);
    try {
      List<String> candidates = new ArrayList<>();
      for (String rel : entries()) {
        String run = runOf(rel);
        if (run != null ? avoid.contains(run) : runLevelOnly) {
          continue;
        }
        if (isCandidate(kind, rel, run)) {
          candidates.add(rel);
        }
      }
      if (kind == Kind.NAME_WEIRD || kind == Kind.RUN_ID_CLASH) {
        candidates = runCandidates(kind, avoid, runLevelOnly);
      }
      if (candidates.isEmpty()) {
        return null;
      }
      String target = candidates.get(rnd.nextInt(candidates.size()));
      return mutate(kind, target, seed, rnd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- targets

  private List<String> entries() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root)).map(p -> rel(p)).sorted().toList();
    }
  }

  private String rel(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /** The clean run id owning {@code rel}, or null for the sweep's own files. */
  private String runOf(String rel) {
    for (Map.Entry<String, String> e : runByFolder.entrySet()) {
      if (rel.equals(e.getKey()) || rel.startsWith(e.getKey() + "/")) {
        return e.getValue();
      }
    }
    return null;
  }

  private String folderOf(String runId) {
    for (Map.Entry<String, String> e : runByFolder.entrySet()) {
      if (e.getValue().equals(runId)) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(runId);
  }

  private List<String> runCandidates(Kind kind, Set<String> avoid, boolean runLevelOnly) {
    List<String> out = new ArrayList<>();
    if (kind == Kind.RUN_ID_CLASH && (runLevelOnly || layout.equals("mlflow")
        && runByFolder.size() - avoid.size() < 2)) {
      return out;
    }
    for (Map.Entry<String, String> e : runByFolder.entrySet()) {
      if (!avoid.contains(e.getValue())) {
        out.add(e.getKey());
      }
    }
    if (kind == Kind.RUN_ID_CLASH && !layout.equals("mlflow")
        && !Files.isRegularFile(root.resolve("runs.csv"))) {
      return List.of();
    }
    return out;
  }

  private boolean isCandidate(Kind kind, String rel, String run) {
    Path p = root.resolve(rel);
    boolean file = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    String name = p.getFileName().toString();
    return switch (kind) {
      case JSON_TRUNCATE, JSON_RETYPE -> file && isReadJson(rel, run);
      case JSON_RETYPE_FIELD -> file && (name.equals(HfCheckpointReader.INDEX)
          || name.equals("trainer_state.json") && isReadJson(rel, run)
          || rel.equals("sweep.json"));
      case YAML_MUTATE -> file && name.equals("meta.yaml");
      case ROWS_SHUFFLE, ROWS_DUPLICATE, ROWS_CUT, ROWS_FOREIGN -> file && isRows(rel, run)
          && dataRows(p) >= 2;
      case INDEX_MISSING_SHARD -> file && name.equals(HfCheckpointReader.INDEX);
      case INDEX_WRONG_SHARD -> file && name.equals(HfCheckpointReader.INDEX)
          && shardsOf(p).size() >= 2;
      case EMPTY_FILE -> file && (isReadJson(rel, run) || isRows(rel, run)
          || isCheckpointFile(rel) || isMlflowParam(rel, run) || name.equals("meta.yaml"))
          && sizeOf(p) > 0;
      case DIR_FOR_FILE -> file && (isReadJson(rel, run) || isRows(rel, run) && !isMlflow(rel)
          || isCheckpointFile(rel) || rel.endsWith("tags/mlflow.runName"));
      case UNREADABLE_FILE -> file && (isReadJson(rel, run) || isRows(rel, run)
          || isMlflowParam(rel, run) || rel.endsWith("tags/mlflow.runName")
          || run != null && name.equals("meta.yaml"));
      case SYMLINK_LOOP -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
          && (rel.equals(folderOrNull(run)) || rel.endsWith("/checkpoints")
          || rel.endsWith("/artifacts"));
      case ARCH_CHANGE -> file && isCheckpointFile(rel) && !isFirstCheckpoint(rel)
          && !name.endsWith(".npy");
      case TENSOR_TRUNCATE, TENSOR_HEADER -> file && isCheckpointFile(rel) && sizeOf(p) > 8;
      case NAME_WEIRD, RUN_ID_CLASH -> false;
    };
  }

  private String folderOrNull(String run) {
    return run == null ? null : folderOf(run);
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean isMlflow(String rel) {
    return rel.startsWith("mlruns/");
  }

  /** JSON files the readers read: sweep.json, params.json, run-level config and trainer state. */
  private boolean isReadJson(String rel, String run) {
    if (rel.equals("sweep.json")) {
      return true;
    }
    if (run == null || !rel.endsWith(".json")) {
      return false;
    }
    String inRun = rel.substring(folderOf(run).length() + 1);
    return inRun.equals("params.json") || inRun.equals("config.json")
        || inRun.equals("trainer_state.json")
        || inRun.matches("checkpoint-\\d+/(trainer_state|model\\.safetensors\\.index)\\.json");
  }

  private boolean isRows(String rel, String run) {
    if (rel.equals("runs.csv")) {
      return true;
    }
    if (run == null) {
      return false;
    }
    String inRun = rel.substring(folderOf(run).length() + 1);
    return inRun.equals("metrics.csv") || inRun.equals("metrics.jsonl")
        || isMlflow(rel) && inRun.startsWith("metrics/");
  }

  private boolean isMlflowParam(String rel, String run) {
    return run != null && isMlflow(rel)
        && rel.substring(folderOf(run).length() + 1).startsWith("params/");
  }

  private static boolean isCheckpointFile(String rel) {
    String name = rel.substring(rel.lastIndexOf('/') + 1);
    return STEP_FILE.matcher(name).matches()
        || rel.matches(".*/checkpoint-\\d+/model[^/]*\\.safetensors");
  }

  private static long stepOf(String rel) {
    String name = rel.substring(rel.lastIndexOf('/') + 1);
    Matcher m = STEP_FILE.matcher(name);
    if (m.matches()) {
      return Long.parseLong(m.group(1));
    }
    String[] parts = rel.split("/");
    Matcher h = HF_FOLDER.matcher(parts[parts.length - 2]);
    return h.matches() ? Long.parseLong(h.group(1)) : -1;
  }

  private boolean isFirstCheckpoint(String rel) {
    String run = runOf(rel);
    long min = Long.MAX_VALUE;
    try {
      for (String e : entries()) {
        if (run.equals(runOf(e)) && isCheckpointFile(e)) {
          min = Math.min(min, stepOf(e));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stepOf(rel) == min;
  }

  // ---------------------------------------------------------------- mutations

  private Outcome mutate(Kind kind, String target, long seed, Random rnd) throws IOException {
    Path p = root.resolve(target);
    String run = runOf(target);
    return switch (kind) {
      case JSON_TRUNCATE -> {
        byte[] b = Files.readAllBytes(p);
        int last = b.length - 1;
        while (last > 0 && Character.isWhitespace(b[last])) {
          last--;
        }
        int cut = rnd.nextInt(last + 1);
        Files.write(p, Arrays.copyOf(b, cut));
        yield error(kind, target, seed, "cut to " + cut + " of " + b.length + " bytes", run);
      }
      case JSON_RETYPE -> {
        String v = List.of("[1, 2]", "\"text\"", "42", "null", "true", "[]")
            .get(rnd.nextInt(6));
        Files.writeString(p, v);
        yield error(kind, target, seed, "replaced by " + v, run);
      }
      case JSON_RETYPE_FIELD -> {
        ObjectNode doc = (ObjectNode) JSON.readTree(p.toFile());
        String what;
        String name = p.getFileName().toString();
        if (name.equals(HfCheckpointReader.INDEX)) {
          if (rnd.nextBoolean()) {
            doc.putArray("weight_map").add("model-00001-of-00002.safetensors");
            what = "weight_map retyped to a list";
          } else {
            ObjectNode map = (ObjectNode) doc.get("weight_map");
            String key = pick(fieldNames(map), rnd);
            map.put(key, 7);
            what = "weight_map[" + key + "] retyped to 7";
          }
        } else if (name.equals("trainer_state.json")) {
          doc.putObject("log_history").put("step", 1);
          what = "log_history retyped to an object";
        } else if (rnd.nextBoolean()) {
          doc.put("name", 5);
          what = "name retyped to 5";
        } else {
          doc.put("group_by", "lr");
          what = "group_by retyped to a string";
        }
        Files.writeString(p, JSON.writeValueAsString(doc));
        yield error(kind, target, seed, what, run);
      }
      case YAML_MUTATE -> {
        String text = Files.readString(p);
        String what;
        if (rnd.nextBoolean()) {
          int cut = rnd.nextInt(text.length());
          Files.writeString(p, text.substring(0, cut));
          what = "cut to " + cut + " characters";
        } else {
          Files.writeString(p, text.replace("lifecycle_stage: active",
              "lifecycle_stage: [1, {a: 2}]"));
          what = "lifecycle_stage retyped to a list";
        }
        yield same(kind, target, seed, what, run);
      }
      case ROWS_SHUFFLE, ROWS_DUPLICATE, ROWS_CUT, ROWS_FOREIGN -> rows(kind, target, seed, rnd,
          run);
      case INDEX_MISSING_SHARD, INDEX_WRONG_SHARD -> {
        ObjectNode doc = (ObjectNode) JSON.readTree(p.toFile());
        ObjectNode map = (ObjectNode) doc.get("weight_map");
        String key = pick(fieldNames(map), rnd);
        String shard;
        if (kind == Kind.INDEX_MISSING_SHARD) {
          shard = "model-00009-of-00009.safetensors";
        } else {
          List<String> others = new ArrayList<>(shardsOf(p));
          others.remove(map.get(key).textValue());
          shard = pick(others, rnd);
        }
        map.put(key, shard);
        Files.writeString(p, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        Outcome o = error(kind, target, seed, key + " -> " + shard, run);
        yield kind == Kind.INDEX_WRONG_SHARD ? readStage(o) : o;
      }
      case NAME_WEIRD -> rename(target, seed, rnd, run);
      case EMPTY_FILE -> empty(target, seed, run);
      case DIR_FOR_FILE -> dirForFile(target, seed, run);
      case UNREADABLE_FILE -> {
        String what = "reads fail with an I/O error";
        if (target.endsWith("tags/mlflow.runName")) {
          yield new Outcome(new SweepMutation(kind, target, seed, what), 1, target, false,
              Set.of(), Map.of(run, uuidByRun.get(run)), Set.of());
        }
        if (target.equals("runs.csv") || target.equals("sweep.json")
            || target.endsWith("meta.yaml")) {
          yield errorSame(kind, target, seed, what, run);
        }
        yield error(kind, target, seed, what, run);
      }
      case SYMLINK_LOOP -> symlink(target, seed, rnd, run);
      case ARCH_CHANGE -> archChange(target, seed, rnd, run);
      case TENSOR_TRUNCATE -> {
        byte[] b = Files.readAllBytes(p);
        int cut = 1 + rnd.nextInt(b.length - 1);
        Files.write(p, Arrays.copyOf(b, cut));
        yield readStage(error(kind, checkpointSource(target), seed, "cut to " + cut + " of "
            + b.length + " bytes", run, target));
      }
      case TENSOR_HEADER -> {
        byte[] b = Files.readAllBytes(p);
        byte[] head = new byte[8];
        do {
          rnd.nextBytes(head);
        } while (Arrays.equals(head, Arrays.copyOf(b, 8)));
        System.arraycopy(head, 0, b, 0, 8);
        Files.write(p, b);
        yield readStage(error(kind, checkpointSource(target), seed, "first 8 bytes set to "
            + Arrays.toString(head), run, target));
      }
      case RUN_ID_CLASH -> clash(target, seed, rnd, run);
    };
  }

  private Outcome rows(Kind kind, String target, long seed, Random rnd, String run)
      throws IOException {
    Path p = root.resolve(target);
    List<String> lines = new ArrayList<>(Arrays.asList(Files.readString(p).split("\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    boolean csv = target.endsWith(".csv");
    boolean jsonl = target.endsWith(".jsonl");
    boolean manifest = target.equals("runs.csv");
    int first = csv ? 1 : 0;
    List<String> data = new ArrayList<>(lines.subList(first, lines.size()));
    String what;
    Outcome outcome;
    int i = rnd.nextInt(data.size());
    String row = data.get(i);
    switch (kind) {
      case ROWS_SHUFFLE -> {
        Collections.shuffle(data, rnd);
        what = "rows shuffled";
        outcome = manifest ? none(kind, target, seed, what) : same(kind, target, seed, what, run);
      }
      case ROWS_DUPLICATE -> {
        int j = rnd.nextInt(data.size() + 1);
        data.add(j, row);
        what = "row " + i + " duplicated at " + j;
        outcome = manifest ? errorSame(kind, target, seed, what, null)
            : same(kind, target, seed, what, run);
      }
      case ROWS_CUT -> {
        if (jsonl) {
          int cut = 1 + rnd.nextInt(row.length() - 1);
          data.set(i, row.substring(0, cut));
          what = "row " + i + " cut to " + cut + " characters";
        } else {
          List<String> f = csv ? Csv.split(row) : Arrays.asList(row.trim().split("\\s+"));
          int keep = 1 + rnd.nextInt(f.size() - 1);
          data.set(i, csv ? Csv.join(f.subList(0, keep)) : String.join(" ", f.subList(0, keep)));
          what = "row " + i + " cut to " + keep + " of " + f.size() + " fields";
        }
        outcome = manifest ? error(kind, target, seed, what, manifestRun(lines.get(0), row))
            : error(kind, target, seed, what, run);
      }
      default -> {
        String foreign = pick(FOREIGN, rnd);
        if (jsonl) {
          ObjectNode rec = (ObjectNode) JSON.readTree(row);
          rec.put("step", foreign);
          data.set(i, JSON.writeValueAsString(rec));
          what = "row " + i + " step set to '" + foreign + "'";
          outcome = error(kind, target, seed, what, run);
        } else {
          List<String> f = new ArrayList<>(csv ? Csv.split(row)
              : Arrays.asList(row.trim().split("\\s+")));
          int col;
          if (manifest) {
            int idCol = Csv.split(lines.get(0)).indexOf("run_id");
            do {
              col = rnd.nextInt(f.size());
            } while (col == idCol);
          } else {
            col = rnd.nextInt(f.size());
          }
          f.set(col, foreign);
          data.set(i, csv ? Csv.join(f) : String.join(" ", f));
          what = "row " + i + " field " + col + " set to '" + foreign + "'";
          outcome = manifest ? changed(kind, target, seed, what, manifestRun(lines.get(0), row))
              : error(kind, target, seed, what, run);
        }
      }
    }
    List<String> out = new ArrayList<>(lines.subList(0, first));
    out.addAll(data);
    Files.writeString(p, String.join("\n", out) + "\n");
    return outcome;
  }

  /** The run id of a row of runs.csv whose header is {@code header}. */
  private static String manifestRun(String header, String row) {
    return Csv.split(row).get(Csv.split(header).indexOf("run_id"));
  }

  private Outcome rename(String folder, long seed, Random rnd, String run) throws IOException {
    String name;
    do {
      name = pick(WEIRD_NAMES, rnd);
    } while (runByFolder.containsValue(name));
    if (layout.equals("mlflow")) {
      Path tag = root.resolve(folder).resolve("tags/mlflow.runName");
      Files.createDirectories(tag.getParent());
      Files.writeString(tag, name);
    } else {
      Files.move(root.resolve(folder), root.resolve(folder).resolveSibling(name));
      Path manifest = root.resolve("runs.csv");
      if (Files.isRegularFile(manifest)) {
        rewriteManifest(manifest, run, name);
      }
    }
    return new Outcome(new SweepMutation(Kind.NAME_WEIRD, folder, seed, "renamed to '" + name
        + "'"), 0, null, false, Set.of(), Map.of(run, name), Set.of());
  }

  /** Rewrites the row of {@code run} in runs.csv, setting its id to {@code newId}. */
  private static void rewriteManifest(Path manifest, String run, String newId)
      throws IOException {
    List<String> lines = new ArrayList<>(Arrays.asList(Files.readString(manifest).split("\n")));
    int idCol = Csv.split(lines.get(0)).indexOf("run_id");
    for (int i = 1; i < lines.size() && idCol >= 0; i++) {
      List<String> f = new ArrayList<>(Csv.split(lines.get(i)));
      if (f.size() > idCol && f.get(idCol).equals(run)) {
        f.set(idCol, newId);
        lines.set(i, Csv.join(f));
      }
    }
    Files.writeString(manifest, String.join("\n", lines) + "\n");
  }

  private Outcome empty(String target, long seed, String run) throws IOException {
    Files.write(root.resolve(target), new byte[0]);
    Kind k = Kind.EMPTY_FILE;
    String what = "emptied";
    if (isCheckpointFile(target)) {
      return readStage(error(k, checkpointSource(target), seed, what, run, target));
    }
    if (target.endsWith(".json")) {
      return error(k, target, seed, what, run);
    }
    if (target.endsWith("tags/mlflow.runName")) {
      return new Outcome(new SweepMutation(k, target, seed, what), 0, null, false, Set.of(),
          Map.of(run, uuidByRun.get(run)), Set.of());
    }
    if (target.endsWith("meta.yaml") || target.equals("runs.csv")) {
      return run == null ? none(k, target, seed, what) : same(k, target, seed, what, run);
    }
    // an empty metric log is a valid log of nothing yet; an empty MLflow param is ""
    return changed(k, target, seed, what, run);
  }

  private Outcome dirForFile(String target, long seed, String run) throws IOException {
    Path p = root.resolve(target);
    Files.delete(p);
    Files.createDirectory(p);
    Kind k = Kind.DIR_FOR_FILE;
    String what = "replaced by an empty folder";
    if (target.endsWith("tags/mlflow.runName")) {
      return new Outcome(new SweepMutation(k, target, seed, what), 1, target, false, Set.of(),
          Map.of(run, uuidByRun.get(run)), Set.of());
    }
    if (target.matches(".*/checkpoint-\\d+/model-[^/]*\\.safetensors")) {
      // the index names a shard that is no file: the index is the input that cannot be used
      return error(k, target.substring(0, target.lastIndexOf('/') + 1)
          + HfCheckpointReader.INDEX, seed, what, run, target);
    }
    if (target.equals("runs.csv") || target.equals("sweep.json")) {
      return errorSame(k, target, seed, what, null);
    }
    return error(k, target, seed, what, run);
  }

  private Outcome symlink(String folder, long seed, Random rnd, String run) throws IOException {
    Path dir = root.resolve(folder);
    Kind k = Kind.SYMLINK_LOOP;
    if (rnd.nextInt(3) == 0) {
      Path self = dir.resolve("self-loop");
      Files.createSymbolicLink(self, Paths.get("self-loop"));
      // Hadoop's local file system leaves dangling links out of listings (it skips entries
      // whose status cannot be read), so the readers never see this one: nothing changes
      return same(k, folder + "/self-loop", seed, "self-loop -> self-loop", run);
    }
    Path link = dir.resolve("loop");
    Files.createSymbolicLink(link, Paths.get(".."));
    String target = folder + "/loop";
    String what = "loop -> ..";
    if (folder.endsWith("/checkpoints") && !isMlflow(folder)) {
      // checkpoints/ holds files only: a folder in it is reported
      return errorSame(k, target, seed, what, run);
    }
    return same(k, target, seed, what, run);
  }

  private Outcome archChange(String target, long seed, Random rnd, String run)
      throws IOException {
    Path p = root.resolve(target);
    List<Tensor> tensors = new ArrayList<>();
    try (TensorFile f = TensorFiles.open(p.toString(), new Configuration())) {
      tensors.addAll(f.readAll().values());
    }
    int variant = tensors.size() > 1 ? rnd.nextInt(3) : rnd.nextInt(2) * 2;
    String what;
    int i = rnd.nextInt(tensors.size());
    Tensor t = tensors.get(i);
    if (variant == 0 || variant == 2 && t.shape().length != 2) {
      if (t.shape().length == 2 && t.shape()[0] > 1) {
        int[] s = {t.shape()[0] - 1, t.shape()[1]};
        tensors.set(i, new Tensor(t.name(), t.dtype(), s, Arrays.copyOf(t.data(), s[0] * s[1])));
        what = t.name() + " loses its last row";
      } else {
        int[] s = {t.data().length + 1};
        tensors.set(i, new Tensor(t.name(), t.dtype(), s, Arrays.copyOf(t.data(), s[0])));
        what = t.name() + " gains an element";
      }
    } else if (variant == 1) {
      tensors.remove(i);
      what = t.name() + " removed";
    } else {
      int[] s = {t.shape()[1], t.shape()[0]};
      tensors.set(i, new Tensor(t.name() + ".renamed", t.dtype(), s, t.data()));
      what = t.name() + " renamed and transposed";
    }
    write(p, tensors);
    return readStage(error(Kind.ARCH_CHANGE, checkpointSource(target), seed, what, run,
        target));
  }

  private static void write(Path p, List<Tensor> tensors) throws IOException {
    String name = p.getFileName().toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (name.endsWith(".npz")) {
      NumpyWriter.writeNpz(out, tensors);
    } else if (name.endsWith(".npy")) {
      NumpyWriter.writeNpy(out, tensors.get(0));
    } else {
      SafetensorsWriter.write(out, tensors, null);
    }
    Files.write(p, out.toByteArray());
  }

  private Outcome clash(String folder, long seed, Random rnd, String run) throws IOException {
    Kind k = Kind.RUN_ID_CLASH;
    if (layout.equals("mlflow")) {
      List<String> others = new ArrayList<>(runByFolder.values());
      others.remove(run);
      String other = pick(others, rnd);
      Files.writeString(root.resolve(folder).resolve("tags/mlflow.runName"), other);
      return new Outcome(new SweepMutation(k, folder, seed, "run name set to '" + other
          + "', another run's"), 0, null, false, Set.of(), Map.of(run, uuidByRun.get(run),
          other, uuidByRun.get(other)), Set.of());
    }
    Path manifest = root.resolve("runs.csv");
    List<String> lines = new ArrayList<>(Arrays.asList(Files.readString(manifest).split("\n")));
    int idCol = Csv.split(lines.get(0)).indexOf("run_id");
    if (rnd.nextBoolean()) {
      List<String> f = new ArrayList<>(Collections.nCopies(Csv.split(lines.get(0)).size(), ""));
      f.set(idCol, "ghost-run");
      lines.add(rnd.nextInt(lines.size() - 1) + 1, Csv.join(f));
      Files.writeString(manifest, String.join("\n", lines) + "\n");
      return error(k, "runs.csv", seed, "row for run 'ghost-run', which has no folder", null);
    }
    int lrCol = Csv.split(lines.get(0)).indexOf("lr");
    for (int i = 1; i < lines.size(); i++) {
      List<String> f = new ArrayList<>(Csv.split(lines.get(i)));
      if (f.get(idCol).equals(run)) {
        f.set(lrCol, "0.123");
        lines.add(Csv.join(f));
        break;
      }
    }
    Files.writeString(manifest, String.join("\n", lines) + "\n");
    return new Outcome(new SweepMutation(k, "runs.csv", seed, "second row for run '" + run
        + "' with lr 0.123"), 1, "runs.csv", false, Set.of(run), Map.of(), Set.of());
  }

  // ---------------------------------------------------------------- outcomes

  /** The source an error about checkpoint file {@code rel} names: the file, or its HF folder. */
  private static String checkpointSource(String rel) {
    return rel.matches(".*/checkpoint-\\d+/[^/]*") ? rel.substring(0, rel.lastIndexOf('/'))
        : rel;
  }

  private static Outcome error(Kind k, String target, long seed, String what, String run) {
    return error(k, target, seed, what, run, target);
  }

  /** One error naming {@code source}; the run (if any) may change. */
  private static Outcome error(Kind k, String source, long seed, String what, String run,
                               String target) {
    return new Outcome(new SweepMutation(k, target, seed, what), 1, source, false,
        run == null ? Set.of() : Set.of(run), Map.of(), Set.of());
  }

  /** One error naming the target; the run (if any) must stay equal. */
  private static Outcome errorSame(Kind k, String target, long seed, String what, String run) {
    return new Outcome(new SweepMutation(k, target, seed, what), 1, target, false, Set.of(),
        Map.of(), run == null ? Set.of() : Set.of(run));
  }

  private static Outcome same(Kind k, String target, long seed, String what, String run) {
    return new Outcome(new SweepMutation(k, target, seed, what), 0, null, false, Set.of(),
        Map.of(), run == null ? Set.of() : Set.of(run));
  }

  private static Outcome none(Kind k, String target, long seed, String what) {
    return new Outcome(new SweepMutation(k, target, seed, what), 0, null, false, Set.of(),
        Map.of(), Set.of());
  }

  private static Outcome changed(Kind k, String target, long seed, String what, String run) {
    return new Outcome(new SweepMutation(k, target, seed, what), 0, null, false,
        run == null ? Set.of() : Set.of(run), Map.of(), Set.of());
  }

  private static Outcome readStage(Outcome o) {
    return new Outcome(o.mutation(), o.errors(), o.errorSource(), true, o.changed(),
        o.renamed(), o.same());
  }

  // ---------------------------------------------------------------- helpers

  private static List<String> shardsOf(Path index) {
    try {
      JsonNode map = JSON.readTree(index.toFile()).get("weight_map");
      Set<String> out = new TreeSet<>();
      map.forEach(v -> out.add(v.asText()));
      return new ArrayList<>(out);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private static int dataRows(Path p) {
    try {
      long n = Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count();
      return (int) (p.toString().endsWith(".csv") ? n - 1 : n);
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  private static <T> T pick(List<T> from, Random rnd) {
    return from.get(rnd.nextInt(from.size()));
  }

  /** Copies a folder tree (links are not followed). */
  public static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** Deletes a folder tree without following links. */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A minimal RFC 4180 splitter and joiner for one line. */
  static final class Csv {
    private Csv() {}

    static List<String> split(String line) {
      List<String> out = new ArrayList<>();
      StringBuilder b = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            b.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            b.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          out.add(b.toString());
          b.setLength(0);
        } else {
          b.append(c);
        }
      }
      out.add(b.toString());
      return out;
    }

    static String join(List<String> fields) {
      List<String> q = new ArrayList<>();
      for (String f : fields) {
        q.add(f.contains(",") || f.contains("\"") || f.contains("\n") || f.startsWith(" ")
            ? "\"" + f.replace("\"", "\"\"") + "\"" : f);
      }
      return String.join(",", q);
    }
  }
}
