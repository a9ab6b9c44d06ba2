package org.shockscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFilesTest {
  private static final Tensor W = new Tensor("fc1.weight", DType.F32, new int[] {2, 3},
      new double[] {1, -2, 3.5, 0.25, -0.125, 8});
  private static final Tensor B = new Tensor("fc1.bias", DType.F64, new int[] {2},
      new double[] {Math.PI, -Math.E});

  @TempDir
  Path dir;

  @Test
  void refusesPicklesWithoutReadingAByte() {
    for (String name : List.of("model.pt", "ckpt.PTH", "pytorch_model.bin", "last.ckpt",
        "state.pkl", "x.pickle")) {
      CountingByteSource src = new CountingByteSource(new ByteArraySource("run/" + name,
          new byte[] {(byte) 0x80, 2}));
      PickleRefusedException e = assertThrows(PickleRefusedException.class,
          () -> TensorFiles.open(src, name));
      assertEquals(0, src.reads(), name);
      String m = e.getMessage();
      assertTrue(m.startsWith("run/" + name + ": ") && m.contains("pickles")
          && m.contains("from safetensors.torch import save_file; save_file(torch.load('" + name
          + "', map_location='cpu', weights_only=True)")
          && m.contains("save_pretrained(dir, safe_serialization=True)"), m);
    }
    PickleRefusedException e = assertThrows(PickleRefusedException.class,
        () -> TensorFiles.open(dir.resolve("missing/step_5.pt").toString(), new Configuration()));
    assertTrue(e.getMessage().contains("'step_5.safetensors'"), e.getMessage());
  }

  @Test
  void refusesUnknownExtensions() {
    CountingByteSource src = new CountingByteSource(new ByteArraySource("w.h5", new byte[8]));
    TensorFormatException e = assertThrows(TensorFormatException.class,
        () -> TensorFiles.open(src, "w.h5"));
    assertEquals(0, src.reads());
    assertTrue(e.getMessage().contains("unknown tensor file type 'w.h5'")
        && e.getMessage().contains(".safetensors"), e.getMessage());
  }

  @Test
  void readsEveryFormatThroughHadoopFileUrisAndLocalPaths() throws IOException {
    Files.write(dir.resolve("step_10.safetensors"), SafetensorsWriter.toBytes(List.of(W, B),
        null));
    ByteArrayOutputStream npz = new ByteArrayOutputStream();
    NumpyWriter.writeNpz(npz, List.of(W, B));
    Files.write(dir.resolve("step_10.npz"), npz.toByteArray());
    ByteArrayOutputStream npy = new ByteArrayOutputStream();
    NumpyWriter.writeNpy(npy, W);
    Files.write(dir.resolve("step_10.npy"), npy.toByteArray());
    Configuration conf = new Configuration();
    for (String name : List.of("step_10.safetensors", "step_10.npz")) {
      for (String uri : List.of(dir.resolve(name).toUri().toString(),
          dir.resolve(name).toString())) {
        try (TensorFile f = TensorFiles.open(uri, conf)) {
          assertEquals(uri, f.location());
          assertEquals(Map.of(W.name(), W, B.name(), B), f.readAll());
        }
      }
    }
    try (TensorFile f = TensorFiles.open(dir.resolve("step_10.npy").toUri().toString(), conf)) {
      assertEquals(W.withName("step_10"), f.read("step_10"));
    }
  }

  @Test
  void hadoopSourceReadsRangesAndReportsMissingFiles() throws IOException {
    byte[] content = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    Path p = dir.resolve("bytes.bin");
    Files.write(p, content);
    try (HadoopByteSource s = HadoopByteSource.open(p.toUri().toString(), new Configuration())) {
      assertEquals(16, s.size());
      byte[] b = new byte[4];
      s.readFully(10, b, 0, 4);
      assertEquals("abcd", new String(b, StandardCharsets.US_ASCII));
      assertThrows(IOException.class, () -> s.readFully(14, b, 0, 4));
    }
    String missing = dir.resolve("nope.safetensors").toUri().toString();
    TensorIoException e = assertThrows(TensorIoException.class,
        () -> TensorFiles.open(missing, new Configuration()));
    assertTrue(e.getMessage().startsWith(missing) && e.getMessage().contains("file not found"),
        e.getMessage());
    TensorIoException d = assertThrows(TensorIoException.class,
        () -> HadoopByteSource.open(dir.toString(), new Configuration()));
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
  }

  @Test
  void localFilesAreReadThroughAChannelWithTheSameErrorsAsHadoops() throws IOException {
    byte[] content = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    Path p = dir.resolve("bytes.bin");
    Files.write(p, content);
    String uri = p.toUri().toString();
    try (ByteSource s = TensorFiles.source(uri, new Configuration())) {
      assertTrue(s instanceof LocalFileSource, s.getClass().getName());
      assertEquals(16, s.size());
      assertEquals(uri, s.location());
      byte[] b = new byte[6];
      s.readFully(10, b, 1, 4);
      assertEquals("abcd", new String(b, 1, 4, StandardCharsets.US_ASCII));
      assertThrows(java.io.EOFException.class, () -> s.readFully(14, b, 0, 4));
      assertThrows(java.io.EOFException.class, () -> s.readFully(-1, b, 0, 1));
    }
    String missing = dir.resolve("nope.safetensors").toUri().toString();
    TensorIoException e = assertThrows(TensorIoException.class,
        () -> TensorFiles.source(missing, new Configuration()));
    assertTrue(e.getMessage().startsWith(missing) && e.getMessage().contains("file not found"),
        e.getMessage());
    TensorIoException d = assertThrows(TensorIoException.class,
        () -> TensorFiles.source(dir.toString(), new Configuration()));
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
  }

  @Test
  void onlyPathsWithoutSchemeAndFileUrisWithoutHostAreReadLocally() {
    assertEquals(Path.of("/tmp/a b/x.npz"), TensorFiles.localPath("file:/tmp/a b/x.npz"));
    assertEquals(Path.of("/tmp/x.npz"), TensorFiles.localPath("file:///tmp/x.npz"));
    assertEquals(Path.of("/tmp/x.npz"), TensorFiles.localPath("/tmp/x.npz"));
    assertEquals(Path.of("runs/x.npz"), TensorFiles.localPath("runs/x.npz"));
    for (String remote : List.of("hdfs://nn:8020/tmp/x.npz", "s3a://bucket/x.npz",
        "file://host/tmp/x.npz", "dbfs:/x.npz", "")) {
      assertEquals(null, TensorFiles.localPath(remote), remote);
    }
  }

  @Test
  void opensShardedCheckpointsThroughTheirIndex() throws IOException {
    Path ckpt = Files.createDirectories(dir.resolve("checkpoint-100"));
    Files.write(ckpt.resolve("model-00001-of-00002.safetensors"),
        SafetensorsWriter.toBytes(List.of(W), null));
    Files.write(ckpt.resolve("model-00002-of-00002.safetensors"),
        SafetensorsWriter.toBytes(List.of(B), null));
    String index = "{\"metadata\": {\"total_size\": 40}, \"weight_map\": {"
        + "\"fc1.weight\": \"model-00001-of-00002.safetensors\","
        + "\"fc1.bias\": \"model-00002-of-00002.safetensors\"}}";
    Files.writeString(ckpt.resolve(SafetensorsIndex.FILE_NAME), index);
    String uri = ckpt.resolve(SafetensorsIndex.FILE_NAME).toUri().toString();
    try (TensorFile f = TensorFiles.open(uri, new Configuration())) {
      assertEquals(List.of("fc1.weight", "fc1.bias"),
          f.tensors().stream().map(TensorInfo::name).toList());
      assertEquals(B, f.read("fc1.bias"));
      assertEquals(W, f.read("fc1.weight"));
    }
    Files.writeString(ckpt.resolve(SafetensorsIndex.FILE_NAME), index.replace(
        "\"fc1.bias\": \"model-00002", "\"fc1.bias\": \"model-00001"));
    TensorFormatException e = assertThrows(TensorFormatException.class,
        () -> TensorFiles.open(uri, new Configuration()));
    assertTrue(e.getMessage().equals(uri + ", tensor 'fc1.bias': the index maps it to shard "
        + "'model-00001-of-00002.safetensors', which does not hold it"), e.getMessage());
  }

  @Test
  void indexRefusesShardsOutsideItsFolder() {
    for (String shard : List.of("../x.safetensors", "a/b.safetensors", "hdfs:x.safetensors",
        "..", "", "x.bin", "c:\\\\x.safetensors")) {
      String json = "{\"weight_map\": {\"w\": \"" + shard + "\"}}";
      TensorFormatException e = assertThrows(TensorFormatException.class,
          () -> SafetensorsIndex.parse("idx.json", json.getBytes(StandardCharsets.UTF_8)));
      assertTrue(e.getMessage().startsWith("idx.json, tensor 'w': shard name"), e.getMessage());
    }
    SafetensorsIndex ok = SafetensorsIndex.parse("idx.json", ("{\"metadata\":{\"total_size\":"
        + "12},\"weight_map\":{\"a\":\"s2.safetensors\",\"b\":\"s1.safetensors\","
        + "\"c\":\"s2.safetensors\"}}").getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("s1.safetensors", "s2.safetensors"), ok.shards());
    assertEquals(Map.of("total_size", "12"), ok.metadata());
    assertThrows(TensorFormatException.class, () -> SafetensorsIndex.parse("idx.json",
        "{\"metadata\":{}}".getBytes(StandardCharsets.UTF_8)));
  }
}
