package org.shockscope.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;

/**
 * Finds the weights of one Hugging Face Trainer {@code checkpoint-<N>} folder (SPEC §3b):
 * <ol>
 *   <li>{@code model.safetensors.index.json} when present: the distinct files of its
 *       {@code weight_map}, each of which must be a plain {@code .safetensors} file name in this
 *       folder (no path separators, no {@code ..}) and must exist; the checkpoint's file is then
 *       the index itself, through which the tensor reader opens and checks the shards;</li>
 *   <li>else {@code model.safetensors};</li>
 *   <li>else an error record: {@code pickle_refused} when the folder holds
 *       {@code pytorch_model*.bin} (with how to convert it), {@code no_weights} otherwise.</li>
 * </ol>
 * Everything else the Trainer writes (optimizer.pt, scheduler.pt, rng_state*.pth, scaler.pt,
 * training_args.bin, tokenizer and generation files, ...) is expected and ignored.
 */
final class HfCheckpointReader {
  static final String WEIGHTS = "model.safetensors";
  static final String INDEX = "model.safetensors.index.json";

  private HfCheckpointReader() {}

  /** Adds the checkpoint at {@code step} held in {@code folder} to {@code into}, or logs why not. */
  static void read(SweepFileSystem files, Listing folder, long step, String runId,
                   CheckpointSet into, ErrorLog log) {
    FileStatus index = folder.file(INDEX);
    FileStatus single = folder.file(WEIGHTS);
    // a folder where the weights file should be is reported as such, not as missing weights
    FileStatus misplaced = index != null || single != null ? null
        : folder.dir(INDEX) != null ? folder.dir(INDEX) : folder.dir(WEIGHTS);
    if (misplaced != null) {
      log.add(misplaced.getPath().toString(), runId, step, Problem.UNREADABLE,
          misplaced.getPath() + " is a folder; the checkpoint's weights file was expected");
    } else if (index != null) {
      readIndex(files, folder, index, step, runId, into, log);
    } else if (single != null) {
      into.add(step, single, CheckpointRef.SAFETENSORS);
    } else if (folder.entries().keySet().stream()
        .anyMatch(n -> n.startsWith("pytorch_model") && n.endsWith(".bin"))) {
      log.add(folder.uri(), runId, step, Problem.PICKLE_REFUSED, "Checkpoint " + folder.uri()
          + " holds only pytorch_model*.bin, Python pickles that shockscope never loads"
          + " (unpickling can run arbitrary code). Convert it where it is trusted:"
          + " AutoModel.from_pretrained(path).save_pretrained(path, safe_serialization=True),"
          + " or train with save_safetensors=True (the default since transformers 4.35)");
    } else {
      List<String> names = new ArrayList<>(folder.entries().keySet());
      log.add(folder.uri(), runId, step, Problem.NO_WEIGHTS, "Checkpoint " + folder.uri()
          + " holds neither " + WEIGHTS + " nor " + INDEX + "; it holds "
          + (names.size() > 10 ? names.subList(0, 10) + " ..." : names));
    }
  }

  private static void readIndex(SweepFileSystem files, Listing folder, FileStatus index,
                                long step, String runId, CheckpointSet into, ErrorLog log) {
    String source = index.getPath().toString();
    JsonNode json = LenientJson.read(files, index, runId, step, log);
    if (json == null) {
      return;
    }
    JsonNode map = json.get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) {
      log.add(source, runId, step, Problem.MALFORMED_JSON, source
          + " has no non-empty \"weight_map\" object");
      return;
    }
    TreeSet<String> shards = new TreeSet<>();
    for (JsonNode v : map) {
      if (!v.isTextual()) {
        log.add(source, runId, step, Problem.MALFORMED_JSON, source
            + ": a \"weight_map\" value is " + v + ", not a file name");
        return;
      }
      shards.add(v.textValue());
    }
    for (String shard : shards) {
      if (!isPlainName(shard)) {
        log.add(source, runId, step, Problem.BAD_SHARD_NAME, source + " names shard '" + shard
            + "', which is not a plain file name inside " + folder.uri());
        return;
      }
      if (CheckpointNames.isPickle(shard)) {
        log.add(source, runId, step, Problem.PICKLE_REFUSED, source + " names shard '" + shard
            + "', a Python pickle that shockscope never loads. Convert the checkpoint where it is"
            + " trusted: AutoModel.from_pretrained(path).save_pretrained(path,"
            + " safe_serialization=True)");
        return;
      }
      if (!shard.endsWith(".safetensors")) {
        log.add(source, runId, step, Problem.BAD_SHARD_NAME, source + " names shard '" + shard
            + "', which is not a .safetensors file");
        return;
      }
    }
    List<String> missing = new ArrayList<>();
    long bytes = 0;
    for (String shard : shards) {
      FileStatus f = folder.file(shard);
      if (f == null) {
        missing.add(shard);
      } else {
        bytes += f.getLen();
      }
    }
    if (!missing.isEmpty()) {
      log.add(source, runId, step, Problem.MISSING_SHARD, source + " names " + shards.size()
          + " shards; missing from " + folder.uri() + ": " + missing);
      return;
    }
    // the checkpoint is read through its index, which the reader checks against every shard's
    // header: an index entry naming the wrong (existing) shard is then an error naming the
    // index, where reading the shards alone would silently drop the misplaced tensor
    into.add(new CheckpointRef(step, List.of(source), bytes, CheckpointRef.SAFETENSORS));
  }

  /** A file name that cannot leave its folder or be read as a URI. */
  static boolean isPlainName(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\' || c == ':' || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
