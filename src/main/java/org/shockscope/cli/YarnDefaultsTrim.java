package org.shockscope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Drops the entries that {@code yarn-default.xml} put into an embedded session's Hadoop
 * configuration.
 *
 * <p>Spark ships the whole Hadoop configuration with every file write (each task deserialises
 * it) and broadcasts it for every file scan; a small sweep's job runs about 55 queries and 150
 * tasks. Hadoop's MapReduce classes, which Spark's file commit protocol loads, add
 * {@code yarn-default.xml} to every configuration: 520 of its 1,088 entries, with 111 kB on the
 * wire and a GZIP stream per entry for its source on the way back (about 4 ms to read and 6 ms
 * to write it, warm). A local session has no YARN client to read them. Measured on a 20 × 5
 * sweep: 1 s less CPU and 0.6 s less wall time of 15 ({@code src/bench/README.md}).
 *
 * <p>Only for a session this process started with a local master: on a cluster the keys may
 * matter, and a host's session is not ours to change. MapReduce's own defaults
 * ({@code mapred-default.xml}) stay: the commit protocol reads some of them. Should a later
 * class add another default resource, Hadoop reloads every configuration and the entries come
 * back; that only costs the saving.
 */
final class YarnDefaultsTrim {
  /** The resource whose entries are dropped, as Hadoop names a property's source. */
  static final String RESOURCE = "yarn-default.xml";

  private YarnDefaultsTrim() {}

  /**
   * Loads MapReduce's default resources (as the first file write would) and unsets every entry
   * whose only source is {@link #RESOURCE}.
   *
   * @return the number of entries dropped
   */
  static int drop(Configuration conf) {
    try {
      // JobConf's static initialiser adds mapred-default.xml and yarn-default.xml to every
      // configuration; loading them later would reload the dropped entries
      Class.forName("org.apache.hadoop.mapred.JobConf");
    } catch (ClassNotFoundException e) {
      return 0;
    }
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, String> e : conf) {
      String[] sources = conf.getPropertySources(e.getKey());
      if (sources != null && sources.length == 1 && RESOURCE.equals(sources[0])) {
        keys.add(e.getKey());
      }
    }
    keys.forEach(conf::unset);
    return keys.size();
  }
}
