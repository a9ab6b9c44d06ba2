package org.shockscope.io;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * The one entry point to open a tensor file, choosing the reader by file name:
 * <ul>
 *   <li>{@code .safetensors}: {@link SafetensorsReader};</li>
 *   <li>{@code *.safetensors.index.json} (sharded Hugging Face checkpoint, by URI only):
 *       {@link ShardedSafetensors}, shards resolved next to the index;</li>
 *   <li>{@code .npz}: {@link NpzReader};</li>
 *   <li>{@code .npy}: {@link NpyReader}, its single tensor named by the file name without
 *       {@code .npy} ({@code step_100.npy} holds tensor {@code step_100});</li>
 *   <li>{@code .pt}, {@code .pth}, {@code .bin}, {@code .ckpt}, {@code .pkl}, {@code .pickle}:
 *       Python pickles, refused with {@link PickleRefusedException} before any byte is read,
 *       saying how to convert them to safetensors;</li>
 *   <li>anything else: {@link TensorFormatException}.</li>
 * </ul>
 */
public final class TensorFiles {
  private static final List<String> PICKLES =
      List.of(".pt", ".pth", ".bin", ".ckpt", ".pkl", ".pickle");

  private TensorFiles() {}

  /**
   * Opens a file of any Hadoop file system through {@link HadoopByteSource}, or a local path
   * (no scheme, or {@code file:} without an authority) through {@link LocalFileSource}.
   *
   * @throws TensorFormatException when the name or content is not a readable tensor file
   * @throws TensorIoException     when the file cannot be opened or read
   */
  public static TensorFile open(String uri, Configuration conf) {
    Objects.requireNonNull(uri, "uri");
    String name = SafetensorsReader.fileName(uri);
    refuseUnreadable(uri, name);
    if (name.toLowerCase(Locale.ROOT).endsWith(SafetensorsIndex.SUFFIX)) {
      SafetensorsIndex index;
      try (ByteSource source = source(uri, conf)) {
        index = SafetensorsIndex.read(source);
      } catch (IOException e) {
        throw new TensorIoException(uri, "cannot close: " + e, e);
      }
      String folder = uri.substring(0, uri.length() - name.length());
      return ShardedSafetensors.open(uri, index, shard -> source(folder + shard, conf));
    }
    ByteSource source = source(uri, conf);
    try {
      return open(source, name);
    } catch (RuntimeException e) {
      try {
        source.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The bytes of {@code uri}: a local file through a channel, anything else through Hadoop.
   * A string without a scheme is a local path (relative to the working directory), as
   * {@link HadoopByteSource} reads it.
   */
  static ByteSource source(String uri, Configuration conf) {
    java.nio.file.Path local = localPath(uri);
    return local != null ? LocalFileSource.open(uri, local) : HadoopByteSource.open(uri, conf);
  }

  /** The local file {@code uri} names, or null when it names another file system's file. */
  static java.nio.file.Path localPath(String uri) {
    java.net.URI u;
    try {
      // Hadoop's parser, so that a local URI means here what it means to the sweep's listing
      // (unescaped spaces and all)
      u = new org.apache.hadoop.fs.Path(uri).toUri();
    } catch (IllegalArgumentException e) {
      return null;
    }
    boolean local = u.getScheme() == null
        || ("file".equals(u.getScheme()) && (u.getAuthority() == null
        || u.getAuthority().isEmpty()));
    if (!local || u.getPath() == null || u.getPath().isEmpty()) {
      return null;
    }
    try {
      return java.nio.file.Path.of(u.getPath());
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /**
   * Opens {@code source} as the format its {@code fileName} says. The returned file owns the
   * source; on failure the source is left open for the caller to close.
   *
   * @param source   the bytes
   * @param fileName the file's name (or path), whose extension chooses the reader
   */
  public static TensorFile open(ByteSource source, String fileName) {
    Objects.requireNonNull(source, "source");
    String name = SafetensorsReader.fileName(Objects.requireNonNull(fileName, "fileName"));
    refuseUnreadable(source.location(), name);
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".safetensors")) {
      return SafetensorsReader.open(source);
    }
    if (lower.endsWith(".npz")) {
      return NpzReader.open(source);
    }
    if (lower.endsWith(SafetensorsIndex.SUFFIX)) {
      throw new TensorFormatException(source.location(), null, "a sharded safetensors index "
          + "needs its folder to find the shards: open it by URI");
    }
    return NpyReader.open(source, name.substring(0, name.length() - ".npy".length()));
  }

  /** Refuses pickles and unknown extensions from the name alone, reading nothing. */
  private static void refuseUnreadable(String location, String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String ext : PICKLES) {
      if (lower.endsWith(ext)) {
        throw new PickleRefusedException(location, null, "'" + ext + "' files are Python "
            + "pickles, which can run arbitrary code when loaded, so shockscope never reads "
            + "them; " + PickleRefusedException.conversionAdvice(name));
      }
    }
    boolean known = lower.endsWith(".safetensors") || lower.endsWith(".npz")
        || (lower.endsWith(".npy") && lower.length() > 4)
        || lower.endsWith(SafetensorsIndex.SUFFIX);
    if (!known) {
      throw new TensorFormatException(location, null, "unknown tensor file type '" + name
          + "'; shockscope reads .safetensors (and *.safetensors.index.json), .npz and .npy");
    }
  }
}
