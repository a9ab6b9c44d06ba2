package org.shockscope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The project's dependency graph as {@code mvn dependency:tree -Dverbose} writes it (text
 * output; the pom's {@code generate-test-resources} execution makes
 * {@code target/dependency-tree.txt}). Verbose trees keep the nodes Maven's mediation dropped
 * ("omitted for duplicate", "omitted for conflict"), so the whole graph a dependency brings in
 * can be read, not only the artifacts that won mediation — a library that both Spark and one of
 * the project's own dependencies need is seen under both.
 */
final class MavenDependencyTree {
  /**
   * One node of the tree.
   *
   * @param depth    0 for the project, 1 for its declared dependencies, ...
   * @param group    groupId
   * @param artifact artifactId
   * @param classifier classifier, empty when none
   * @param version  version asked for at this node
   * @param scope    scope after mediation (empty for the project itself)
   * @param omitted  whether mediation dropped this node (another node of the same artifact won)
   * @param parent   index of the parent node in {@link #nodes}, -1 for the project
   */
  record Node(int depth, String group, String artifact, String classifier, String version,
              String scope, boolean omitted, int parent) {
    /** groupId:artifactId, plus :classifier when there is one. */
    String key() {
      return group + ":" + artifact + (classifier.isEmpty() ? "" : ":" + classifier);
    }
  }

  private final List<Node> nodes;

  private MavenDependencyTree(List<Node> nodes) {
    this.nodes = nodes;
  }

  /** Parses a verbose text tree; fails naming the file and line it cannot read. */
  static MavenDependencyTree read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Node> nodes = new ArrayList<>();
    List<Integer> open = new ArrayList<>(); // index of the last node seen at each depth
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank()) {
        continue;
      }
      int start = 0;
      while (start < line.length() && "|+\\- ".indexOf(line.charAt(start)) >= 0) {
        start++;
      }
      if (start % 3 != 0 || start == line.length()) {
        throw new IllegalArgumentException(file + " line " + (n + 1)
            + ": not a dependency:tree line: " + line);
      }
      int depth = start / 3;
      String rest = line.substring(start);
      boolean omitted = rest.startsWith("(");
      String coords = rest.substring(omitted ? 1 : 0).split("[ )]", 2)[0];
      String[] p = coords.split(":");
      Node node;
      if (depth == 0 && p.length == 4) {
        node = new Node(0, p[0], p[1], "", p[3], "", false, -1);
      } else if (depth > 0 && (p.length == 5 || p.length == 6) && depth <= open.size()) {
        node = new Node(depth, p[0], p[1], p.length == 6 ? p[3] : "", p[p.length - 2],
            p[p.length - 1], omitted, open.get(depth - 1));
      } else {
        throw new IllegalArgumentException(file + " line " + (n + 1)
            + ": expected group:artifact:type[:classifier]:version:scope at depth " + depth
            + ", got '" + coords + "'");
      }
      while (open.size() > depth) {
        open.remove(open.size() - 1);
      }
      open.add(nodes.size());
      nodes.add(node);
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no dependency tree");
    }
    return new MavenDependencyTree(nodes);
  }

  List<Node> nodes() {
    return nodes;
  }

  /**
   * Every artifact in the subtrees of the project's declared dependencies of {@code scope},
   * whether or not mediation kept that node: what those dependencies bring in on their own.
   */
  Set<String> closureOf(String scope) {
    Set<String> out = new LinkedHashSet<>();
    for (Node n : nodes) {
      Node top = n;
      while (top.depth() > 1) {
        top = nodes.get(top.parent());
      }
      if (top.depth() == 1 && top.scope().equals(scope)) {
        out.add(n.key());
      }
    }
    return out;
  }

  /**
   * The artifacts that won mediation with compile or runtime scope: what the application
   * needs at run time beside the cluster's classpath, and what maven-shade-plugin packs.
   */
  Set<String> runtimeArtifacts() {
    Set<String> out = new LinkedHashSet<>();
    for (Node n : nodes) {
      if (n.depth() > 0 && !n.omitted()
          && (n.scope().equals("compile") || n.scope().equals("runtime"))) {
        out.add(n.key());
      }
    }
    return out;
  }

  /** The chain of artifacts from a declared dependency down to {@code key}, for messages. */
  List<String> pathsTo(String key) {
    List<String> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.key().equals(key)) {
        List<String> chain = new ArrayList<>();
        for (Node m = n; m.depth() > 0; m = nodes.get(m.parent())) {
          chain.add(0, m.key() + ":" + m.scope() + (m.omitted() ? " (omitted)" : ""));
        }
        out.add(String.join(" > ", chain));
      }
    }
    return out;
  }
}
