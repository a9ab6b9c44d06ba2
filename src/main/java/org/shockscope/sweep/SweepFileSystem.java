package org.shockscope.sweep;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file operations discovery needs, over any Hadoop {@link FileSystem}, each bounded: folder
 * listings, reads of small text files capped in size, and depth-limited tree walks that never
 * enter the same folder twice (a symbolic-link loop on a local disk ends there).
 */
final class SweepFileSystem {
  private final FileSystem fs;
  private final DiscoveryLimits limits;
  private final boolean local;

  SweepFileSystem(FileSystem fs, DiscoveryLimits limits) {
    this.fs = fs;
    this.limits = limits;
    this.local = "file".equals(fs.getScheme());
  }

  DiscoveryLimits limits() {
    return limits;
  }

  /** The fully qualified form of {@code p}. */
  Path qualify(Path p) {
    return fs.makeQualified(p);
  }

  FileStatus status(Path p) throws IOException {
    return fs.getFileStatus(p);
  }

  /** The entries of folder {@code dir}. */
  Listing list(Path dir) throws IOException {
    TreeMap<String, FileStatus> entries = new TreeMap<>();
    for (FileStatus s : fs.listStatus(dir)) {
      entries.put(s.getPath().getName(), s);
    }
    return new Listing(dir, entries);
  }

  /** All bytes of a JSON or other small text file, refused beyond {@code maxJsonBytes}. */
  byte[] readSmall(FileStatus file) throws IOException {
    long cap = limits.maxJsonBytes();
    String uri = file.getPath().toString();
    if (file.getLen() > cap) {
      throw new FileTooLargeException(uri, file.getLen(), cap);
    }
    try (InputStream in = new Bounded(openBytes(file), uri, cap)) {
      return in.readAllBytes();
    }
  }

  /**
   * Like {@link #readSmall(FileStatus)}, but a failure is logged for run {@code runId} (null for
   * the sweep's own files) at {@code step} (or null) and gives null.
   */
  byte[] readSmall(FileStatus file, String runId, Long step, ErrorLog log) {
    try {
      return readSmall(file);
    } catch (IOException e) {
      log.io(file.getPath().toString(), runId, step, e);
      return null;
    }
  }

  /** All of a small text file as UTF-8 text (see {@link #readSmall}). */
  String readSmallText(FileStatus file) throws IOException {
    return new String(readSmall(file), StandardCharsets.UTF_8);
  }

  /**
   * A UTF-8 reader of a metric log or table, refused beyond {@code maxMetricsBytes} (also if
   * the file grows while read); a leading byte-order mark is skipped.
   */
  BufferedReader openLog(FileStatus file) throws IOException {
    long cap = limits.maxMetricsBytes();
    String uri = file.getPath().toString();
    if (file.getLen() > cap) {
      throw new FileTooLargeException(uri, file.getLen(), cap);
    }
    // a buffer no larger than the file: a sweep of thousands of short logs allocated (and
    // zeroed) 128 KiB per log, a quarter of discovery's CPU
    int buffer = (int) Math.max(1, Math.min(1 << 16, file.getLen() + 1));
    BufferedReader r = new BufferedReader(new InputStreamReader(
        new Bounded(openBytes(file), uri, cap), StandardCharsets.UTF_8), buffer);
    r.mark(1);
    if (r.read() != '\uFEFF') {
      r.reset();
    }
    return r;
  }

  /**
   * A stream of a binary log's bytes, for readers that bound their own memory use (TensorBoard
   * event files are read record by record, never whole).
   */
  InputStream open(FileStatus file) throws IOException {
    return fs.open(file.getPath());
  }

  /**
   * The file's bytes, unbuffered: a local file straight from the disk, not through Hadoop's
   * checksummed local file system, which looks for a {@code .crc} file and sets up a 64 KiB
   * buffer per open (a trainer writes no checksums; a fifth of discovery's CPU on a sweep of
   * 2,000 runs went to opening their logs). Callers buffer what they read.
   */
  private InputStream openBytes(FileStatus file) throws IOException {
    if (local) {
      java.nio.file.Path p;
      try {
        p = Paths.get(file.getPath().toUri());
      } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
        // file://host/... and other forms the default file system does not name
        return fs.open(file.getPath());
      }
      return Files.newInputStream(p);
    }
    return fs.open(file.getPath());
  }

  /** What a tree walk reports. */
  interface Visitor {
    /** A folder at {@code relative} (slash-separated); return true to walk into it. */
    boolean folder(String relative, FileStatus dir);

    /** A file at {@code relative} (slash-separated). */
    void file(String relative, FileStatus file);
  }

  /** Walks every file of the tree under {@code root}, as {@link #walk} does. */
  void walkFiles(Path root, String runId, ErrorLog log,
                 BiConsumer<String, FileStatus> file) {
    walk(root, runId, log, new Visitor() {
      @Override
      public boolean folder(String relative, FileStatus dir) {
        return true;
      }

      @Override
      public void file(String relative, FileStatus status) {
        file.accept(relative, status);
      }
    });
  }

  /**
   * Walks the tree under {@code root} in sorted order, reporting entries down to
   * {@code maxDepth} levels below it (its own entries are level 1); problems (unlistable folders, the depth limit) go to
   * {@code log} for run {@code runId}. A folder reached twice (through a link) is walked once.
   */
  void walk(Path root, String runId, ErrorLog log, Visitor visitor) {
    Set<String> seen = new HashSet<>();
    boolean[] limitReported = {false};
    walk(root, root, "", 1, seen, limitReported, runId, log, visitor);
  }

  private void walk(Path root, Path dir, String prefix, int depth, Set<String> seen,
                    boolean[] limitReported, String runId, ErrorLog log, Visitor visitor) {
    Listing listing;
    try {
      if (!seen.add(identity(dir))) {
        return;
      }
      listing = list(dir);
    } catch (IOException e) {
      log.io(dir.toString(), runId, null, e);
      return;
    }
    for (FileStatus s : listing.entries().values()) {
      String rel = prefix + s.getPath().getName();
      if (s.isFile()) {
        visitor.file(rel, s);
      } else if (s.isDirectory() && visitor.folder(rel, s)) {
        if (depth >= limits.maxDepth()) {
          if (!limitReported[0]) {
            limitReported[0] = true;
            log.add(s.getPath().toString(), runId, null, Problem.DEPTH_LIMIT, "Folder "
                + s.getPath() + " was not searched: its entries are more than "
                + limits.maxDepth() + " levels below " + root + " (" + DiscoveryLimits.MAX_DEPTH
                + "); nor was any other folder this deep");
          }
        } else {
          walk(root, s.getPath(), rel + "/", depth + 1, seen, limitReported, runId, log,
              visitor);
        }
      }
    }
  }

  /**
   * What makes two folders the same: on a local disk the real path (links resolved); elsewhere
   * the path itself (object stores have no links, HDFS links are disabled by default).
   */
  private String identity(Path dir) throws IOException {
    if (!local) {
      return dir.toString();
    }
    try {
      return Paths.get(fs.makeQualified(dir).toUri()).toRealPath().toString();
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return dir.toString();
    }
  }

  /** A stream that fails once more than {@code cap} bytes were read from it. */
  private static final class Bounded extends FilterInputStream {
    private final String uri;
    private final long cap;
    private long count;

    Bounded(InputStream in, String uri, long cap) {
      super(in);
      this.uri = uri;
      this.cap = cap;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = super.skip(n);
      count(k);
      return k;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void count(long n) throws IOException {
      count += n;
      if (count > cap) {
        throw new FileTooLargeException(uri, -1, cap);
      }
    }
  }
}
