package org.shockscope.sweep;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes the tags of one run of an MLflow file store (SPEC §3c) as MLflow's {@code FileStore}
 * keeps them: one file {@code <run>/tags/<key>} whose content is the value, without a trailing
 * line break. The tags whose key starts with a given prefix are owned by the caller and
 * replaced as a set: a file whose content already equals the value is left alone, others are
 * (re)written, and files of the prefix that are not in the set are removed, so that writing
 * the same set again changes nothing and a result that no longer holds does not linger. Tags
 * outside the prefix (the user's, MLflow's own) are never touched.
 */
public final class MlflowTagWriter {
  /** Keys MLflow accepts in a file store and that name a file, not a folder. */
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.\\- ]+");
  /** MLflow's limit on a tag value's length (mlflow.utils.validation, MAX_TAG_VAL_LENGTH). */
  public static final int MAX_VALUE_CHARS = 8000;

  /**
   * What writing one run's tags did.
   *
   * @param written   tags whose file was created or rewritten
   * @param unchanged tags whose file already held the value
   * @param removed   tags of the prefix that were removed
   */
  public record Outcome(int written, int unchanged, int removed) {}

  private MlflowTagWriter() {}

  /**
   * Makes the tags of run folder {@code runFolder} that start with {@code prefix} exactly
   * {@code tags}.
   *
   * @param runFolder an MLflow run folder URI ({@code .../mlruns/<experiment>/<run_uuid>})
   * @param prefix    the namespace owned by the caller, e.g. {@code "shockscope."}
   * @param tags      key → value; every key starts with {@code prefix}
   * @param conf      Hadoop configuration of the store's file system
   * @throws IllegalArgumentException when a key is outside the prefix or not a valid file-store
   *     key, or a value is longer than {@value #MAX_VALUE_CHARS} characters
   * @throws IOException when the folder is not a run folder or a file cannot be written
   */
  public static Outcome replace(String runFolder, String prefix, Map<String, String> tags,
                                Configuration conf) throws IOException {
    Objects.requireNonNull(runFolder, "runFolder");
    if (prefix == null || prefix.isEmpty() || !KEY.matcher(prefix).matches()) {
      throw new IllegalArgumentException("Cannot write MLflow tags: prefix '" + prefix
          + "' is not a valid tag key prefix");
    }
    for (Map.Entry<String, String> t : new TreeMap<>(tags).entrySet()) {
      String k = t.getKey();
      if (!k.startsWith(prefix) || k.length() == prefix.length() || !KEY.matcher(k).matches()) {
        throw new IllegalArgumentException("Cannot write MLflow tag '" + k + "' of run "
            + runFolder + ": keys start with '" + prefix + "' and hold only letters, digits,"
            + " '_', '.', '-' and spaces");
      }
      if (t.getValue() == null || t.getValue().length() > MAX_VALUE_CHARS) {
        throw new IllegalArgumentException("Cannot write MLflow tag '" + k + "' of run "
            + runFolder + ": its value is " + (t.getValue() == null ? "null" : t.getValue()
            .length() + " characters, over MLflow's limit of " + MAX_VALUE_CHARS));
      }
    }
    Path run = new Path(runFolder);
    FileSystem fs = run.getFileSystem(conf);
    if (fs instanceof ChecksumFileSystem checksummed) {
      // the local file system's checksum files (.<key>.crc) would show in MLflow as tags
      fs = checksummed.getRawFileSystem();
    }
    if (!fs.exists(new Path(run, "meta.yaml")) && !fs.exists(new Path(run, "params"))
        && !fs.exists(new Path(run, "metrics"))) {
      throw new FileNotFoundException(runFolder + " is not an MLflow run folder (no meta.yaml,"
          + " params/ or metrics/); no tag written");
    }
    Path dir = new Path(run, "tags");
    fs.mkdirs(dir);
    int removed = 0;
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (s.isFile() && name.startsWith(prefix) && !tags.containsKey(name)) {
        fs.delete(s.getPath(), false);
        removed++;
      }
    }
    int written = 0;
    int unchanged = 0;
    for (Map.Entry<String, String> t : new TreeMap<>(tags).entrySet()) {
      Path file = new Path(dir, t.getKey());
      byte[] value = t.getValue().getBytes(StandardCharsets.UTF_8);
      if (holds(fs, file, value)) {
        unchanged++;
        continue;
      }
      try (OutputStream out = fs.create(file, true)) {
        out.write(value);
      }
      written++;
    }
    return new Outcome(written, unchanged, removed);
  }

  /** True when {@code file} is a file holding exactly {@code value}. */
  private static boolean holds(FileSystem fs, Path file, byte[] value) throws IOException {
    FileStatus s;
    try {
      s = fs.getFileStatus(file);
    } catch (FileNotFoundException e) {
      return false;
    }
    if (!s.isFile() || s.getLen() != value.length) {
      return false;
    }
    try (InputStream in = fs.open(file)) {
      return Arrays.equals(in.readNBytes(value.length + 1), value);
    }
  }
}
