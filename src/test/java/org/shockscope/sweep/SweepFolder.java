package org.shockscope.sweep;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.shockscope.io.DType;
import org.shockscope.io.NumpyWriter;
import org.shockscope.io.SafetensorsWriter;
import org.shockscope.io.Tensor;

/** Writes the files of test sweeps: text, and tiny real safetensors / npy / npz checkpoints. */
final class SweepFolder {
  private SweepFolder() {}

  /** Writes {@code text} (UTF-8) to {@code file}, creating folders; returns the file. */
  static Path text(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a 2x3 float32 weight (values from {@code seed}) as safetensors; returns its size. */
  static long safetensors(Path file, int seed) {
    return write(file, out -> out.write(SafetensorsWriter.toBytes(List.of(weight("w", seed)),
        Map.of())));
  }

  /** Writes a 2x3 float64 weight as {@code .npy}; returns its size. */
  static long npy(Path file, int seed) {
    Tensor t = weight("w", seed);
    return write(file, out -> NumpyWriter.writeNpy(out, new Tensor("w", DType.F64, t.shape(),
        t.data())));
  }

  /** Writes two weights as {@code .npz}; returns its size. */
  static long npz(Path file, int seed) {
    return write(file, out -> NumpyWriter.writeNpz(out, List.of(weight("fc1", seed),
        weight("fc2", seed + 1))));
  }

  /** The {@code file:} URI Hadoop gives a local path. */
  static String uri(Path p) {
    return "file:" + p.toAbsolutePath();
  }

  /** A configuration with discovery on {@code threads} threads. */
  static Configuration conf(int threads) {
    Configuration c = new Configuration(false);
    c.setInt(DiscoveryLimits.THREADS, threads);
    return c;
  }

  private static Tensor weight(String name, int seed) {
    double[] d = new double[6];
    for (int i = 0; i < d.length; i++) {
      d[i] = 0.25 * (seed + i);
    }
    return new Tensor(name, DType.F32, new int[] {2, 3}, d);
  }

  private interface Body {
    void write(OutputStream out) throws IOException;
  }

  private static long write(Path file, Body body) {
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        body.write(out);
      }
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
