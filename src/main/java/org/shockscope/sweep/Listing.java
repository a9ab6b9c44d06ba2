package org.shockscope.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The entries of one folder, by name in sorted order, listed once and then consulted as often
 * as needed (each listing of an object store is a remote request).
 *
 * @param dir     the folder, fully qualified
 * @param entries its files and sub-folders by name
 */
record Listing(Path dir, SortedMap<String, FileStatus> entries) {

  /** The folder's name (last path component). */
  String name() {
    return dir.getName();
  }

  /** The folder's fully qualified URI. */
  String uri() {
    return dir.toString();
  }

  /** The file called {@code name}, or null when there is none (or it is a folder). */
  FileStatus file(String name) {
    FileStatus s = entries.get(name);
    return s != null && s.isFile() ? s : null;
  }

  /** The sub-folder called {@code name}, or null when there is none (or it is a file). */
  FileStatus dir(String name) {
    FileStatus s = entries.get(name);
    return s != null && s.isDirectory() ? s : null;
  }

  /**
   * Sub-folders, sorted, without hidden ones: names starting with {@code .} or {@code _} are
   * hidden, as Hadoop and Spark treat them ({@code _SUCCESS}, {@code .trash}, {@code _temporary}).
   */
  List<FileStatus> visibleDirs() {
    List<FileStatus> out = new ArrayList<>();
    for (FileStatus s : entries.values()) {
      if (s.isDirectory() && !isHidden(s.getPath().getName())) {
        out.add(s);
      }
    }
    return out;
  }

  /** Files, sorted, without hidden ones. */
  List<FileStatus> visibleFiles() {
    List<FileStatus> out = new ArrayList<>();
    for (FileStatus s : entries.values()) {
      if (s.isFile() && !isHidden(s.getPath().getName())) {
        out.add(s);
      }
    }
    return out;
  }

  static boolean isHidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }
}
