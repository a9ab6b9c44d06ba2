package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shockscope.sweep.SweepFolder.text;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tags written into an MLflow file-store run: as MLflow keeps them, idempotent, scoped. */
class MlflowTagWriterTest {
  private static final String UUID = "0123456789abcdef0123456789abcdef";
  @TempDir
  Path dir;
  private Path run;

  @BeforeEach
  void writeRun() {
    run = dir.resolve("mlruns/1/" + UUID);
    text(run.resolve("meta.yaml"), "lifecycle_stage: active\nrun_id: " + UUID + "\n");
    text(run.resolve("params/lr"), "0.1");
    text(run.resolve("tags/mlflow.runName"), "alpha");
    text(run.resolve("tags/team"), "vision");
    text(run.resolve("tags/shockscope.stale"), "from an older version");
  }

  private Map<String, String> tagFiles() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(run.resolve("tags"))) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return out;
  }

  private MlflowTagWriter.Outcome write(Map<String, String> tags) throws IOException {
    return MlflowTagWriter.replace(SweepFolder.uri(run), "shockscope.", tags,
        new Configuration());
  }

  @Test
  void tagsAreFilesHoldingTheValueAndStaleOnesOfThePrefixGo() throws IOException {
    assertEquals(new MlflowTagWriter.Outcome(2, 0, 1), write(Map.of("shockscope.transitions", "2",
        "shockscope.diverged", "false")));
    assertEquals(Map.of("mlflow.runName", "alpha", "team", "vision", "shockscope.transitions",
        "2", "shockscope.diverged", "false"), tagFiles());
  }

  @Test
  void writingTheSameTagsAgainChangesNoFile() throws IOException {
    Map<String, String> tags = Map.of("shockscope.transitions", "2", "shockscope.diverged",
        "false");
    write(tags);
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(run.resolve("tags/shockscope.transitions"), old);
    Map<String, String> before = tagFiles();
    assertEquals(new MlflowTagWriter.Outcome(0, 2, 0), write(tags));
    assertEquals(before, tagFiles());
    assertEquals(old, Files.getLastModifiedTime(run.resolve("tags/shockscope.transitions")));
    assertEquals(new MlflowTagWriter.Outcome(1, 1, 0), write(Map.of("shockscope.transitions",
        "3", "shockscope.diverged", "false")));
    assertEquals("3", tagFiles().get("shockscope.transitions"));
  }

  @Test
  void aResultThatNoLongerHoldsIsRemoved() throws IOException {
    write(Map.of("shockscope.transitions", "1", "shockscope.first_shock_step", "40"));
    assertEquals(new MlflowTagWriter.Outcome(0, 1, 1), write(Map.of("shockscope.transitions",
        "1")));
    assertEquals(List.of("mlflow.runName", "shockscope.transitions", "team"),
        List.copyOf(tagFiles().keySet()));
  }

  @Test
  void keysOutsideThePrefixAndFoldersThatAreNoRunAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> write(Map.of("team", "x")));
    assertTrue(e.getMessage().contains("Cannot write MLflow tag 'team'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> write(Map.of("shockscope.a/b", "x")));
    assertTrue(e.getMessage().contains("'shockscope.a/b'"), e.getMessage());
    FileNotFoundException f = assertThrows(FileNotFoundException.class,
        () -> MlflowTagWriter.replace(SweepFolder.uri(dir), "shockscope.",
            Map.of("shockscope.x", "1"), new Configuration()));
    assertTrue(f.getMessage().contains("is not an MLflow run folder"), f.getMessage());
  }
}
