package org.shockscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The application jar ({@code target/shockscope.jar}, made by maven-shade-plugin) holds no
 * unrelocated copy of a library the cluster's Spark ships: two copies of one package on a
 * classpath collide (whichever loads first wins, the other's callers break).
 *
 * <p>What Spark ships is the whole graph the pom's {@code provided} dependencies (spark-core,
 * spark-sql, spark-mllib) bring in — the jars of a Spark distribution's {@code jars/} — read
 * from the verbose dependency tree that {@code mvn test} writes first, with the nodes Maven's
 * mediation dropped. What the jar holds is modelled the way the shade plugin builds it: the
 * compile- and runtime-scope artifacts that won mediation, minus the plugin's
 * {@code artifactSet} excludes, with its relocations applied. Both sides are compared as
 * packages (folders of {@code .class} entries, multi-release versions folded in) of the jars on
 * the test classpath. This runs in {@code mvn test}, before any jar is built; when a jar newer
 * than pom.xml exists, it is also opened and must hold exactly the modelled packages.
 */
class ApplicationJarTest {
  private static final Path POM = Path.of("pom.xml");
  private static final Path TREE = Path.of(System.getProperty("shockscope.dependencyTree",
      "target/dependency-tree.txt"));
  private static final Path JAR = Path.of(System.getProperty("shockscope.applicationJar",
      "target/shockscope.jar"));

  private static MavenDependencyTree tree;
  /** Package → the provided artifact that holds it. */
  private static Map<String, String> sparkPackages;
  /** Package as it lands in the jar → the artifact it is shaded from. */
  private static Map<String, String> shadedPackages;
  private static Set<String> shadedArtifacts;

  @BeforeAll
  static void model() throws Exception {
    assertTrue(Files.isRegularFile(TREE), TREE + " is missing: it is written by the pom's "
        + "dependency:tree execution in generate-test-resources (run the test through mvn)");
    tree = MavenDependencyTree.read(TREE);
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(POM.toFile());
    Element shade = shadePlugin(pom);
    Set<String> excluded = texts(shade, "artifactSet", "exclude");
    Map<String, String> relocations = relocations(shade);

    sparkPackages = new TreeMap<>();
    for (String key : tree.closureOf("provided")) {
      Path jar = jarOf(key);
      if (jar != null) {
        for (String p : packages(jar)) {
          sparkPackages.putIfAbsent(p, key);
        }
      }
    }
    shadedArtifacts = new TreeSet<>();
    shadedPackages = new TreeMap<>();
    for (String key : tree.runtimeArtifacts()) {
      if (excluded.contains(key) || excluded.contains(key.split(":")[0] + ":*")) {
        continue;
      }
      shadedArtifacts.add(key);
      Path jar = jarOf(key);
      assertTrue(jar != null, "runtime artifact " + key + " is not on the test classpath");
      for (String p : packages(jar)) {
        shadedPackages.putIfAbsent(relocate(p, relocations), key);
      }
    }
    // the model must see both sides, or the comparison below proves nothing
    assertTrue(sparkPackages.containsKey("org/apache/spark/sql"), "Spark's packages not found");
    assertTrue(shadedPackages.containsKey("org/ejml/data"), "EJML's packages not found");
  }

  @Test
  void shadedLibrariesAreNoneThatSparkShips() {
    Set<String> sparkArtifacts = tree.closureOf("provided");
    List<String> clashes = new ArrayList<>();
    for (String key : shadedArtifacts) {
      if (sparkArtifacts.contains(key)) {
        List<String> paths = tree.pathsTo(key);
        clashes.add(key + " — shaded, and Spark brings it in: "
            + paths.subList(0, Math.min(3, paths.size())));
      }
    }
    Map<String, List<String>> byArtifact = new TreeMap<>();
    shadedPackages.forEach((p, from) -> {
      if (sparkPackages.containsKey(p)) {
        byArtifact.computeIfAbsent(from + " (Spark's copy in " + sparkPackages.get(p) + ")",
            k -> new ArrayList<>()).add(p);
      }
    });
    byArtifact.forEach((k, ps) -> clashes.add(ps.size() + " packages of " + k + ", e.g. "
        + ps.get(0)));
    assertTrue(clashes.isEmpty(), "the application jar would hold unrelocated copies of "
        + "libraries Spark ships; exclude them (Spark's copy is on the cluster) or relocate "
        + "them in pom.xml:\n  " + String.join("\n  ", clashes));
  }

  @Test
  void builtJarHoldsTheModelledPackagesAndNoneThatSparkShips() throws IOException {
    Assumptions.assumeTrue(Files.isRegularFile(JAR), JAR + " not built (mvn package)");
    Assumptions.assumeTrue(Files.getLastModifiedTime(JAR).compareTo(
        Files.getLastModifiedTime(POM)) >= 0, JAR + " is older than pom.xml");
    Set<String> inJar = new TreeSet<>();
    for (String p : packages(JAR)) {
      if (!p.equals("org/shockscope") && !p.startsWith("org/shockscope/")) {
        inJar.add(p);
      }
    }
    Set<String> inSpark = new TreeSet<>(inJar);
    inSpark.retainAll(sparkPackages.keySet());
    assertTrue(inSpark.isEmpty(), JAR + " holds " + inSpark.size() + " packages that Spark "
        + "ships unrelocated: " + inSpark);
    assertEquals(shadedPackages.keySet(), inJar, JAR + " packages outside org/shockscope vs "
        + "the model from the dependency tree");
  }

  /** Folders of the .class entries of a jar, multi-release versions folded in. */
  private static Set<String> packages(Path jar) throws IOException {
    Set<String> out = new TreeSet<>();
    try (ZipFile z = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
          continue;
        }
        name = name.replaceFirst("^META-INF/versions/\\d+/", "");
        int slash = name.lastIndexOf('/');
        out.add(slash < 0 ? "" : name.substring(0, slash));
      }
    }
    return out;
  }

  /**
   * The jar of an artifact on the test classpath: Maven's local repository lays it out as
   * {@code group/path/artifact/version/artifact-version[-classifier].jar}; the version is the
   * one mediation chose, so it is read from the folder.
   */
  private static Path jarOf(String key) {
    String[] k = key.split(":");
    String folder = File.separator + k[0].replace('.', File.separatorChar) + File.separator
        + k[1] + File.separator;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (!e.contains(folder) || !e.endsWith(".jar") || p.getParent() == null) {
        continue;
      }
      String version = p.getParent().getFileName().toString();
      String expected = k[1] + "-" + version + (k.length > 2 ? "-" + k[2] : "") + ".jar";
      if (p.getFileName().toString().equals(expected)) {
        return p;
      }
    }
    return null;
  }

  private static Element shadePlugin(Document pom) {
    NodeList ids = pom.getElementsByTagName("artifactId");
    for (int i = 0; i < ids.getLength(); i++) {
      if (ids.item(i).getTextContent().trim().equals("maven-shade-plugin")) {
        return (Element) ids.item(i).getParentNode();
      }
    }
    throw new AssertionError("pom.xml has no maven-shade-plugin");
  }

  private static Set<String> texts(Element root, String parent, String tag) {
    Set<String> out = new TreeSet<>();
    NodeList ps = root.getElementsByTagName(parent);
    for (int i = 0; i < ps.getLength(); i++) {
      NodeList ts = ((Element) ps.item(i)).getElementsByTagName(tag);
      for (int j = 0; j < ts.getLength(); j++) {
        out.add(ts.item(j).getTextContent().trim());
      }
    }
    return out;
  }

  /** pattern → shadedPattern of the shade plugin's relocations, in dotted form. */
  private static Map<String, String> relocations(Element shade) {
    Map<String, String> out = new LinkedHashMap<>();
    NodeList rs = shade.getElementsByTagName("relocation");
    for (int i = 0; i < rs.getLength(); i++) {
      Element r = (Element) rs.item(i);
      out.put(r.getElementsByTagName("pattern").item(0).getTextContent().trim(),
          r.getElementsByTagName("shadedPattern").item(0).getTextContent().trim());
    }
    return out;
  }

  private static String relocate(String pkg, Map<String, String> relocations) {
    String dotted = pkg.replace('/', '.');
    for (Map.Entry<String, String> r : relocations.entrySet()) {
      if (dotted.equals(r.getKey()) || dotted.startsWith(r.getKey() + ".")) {
        return (r.getValue() + dotted.substring(r.getKey().length())).replace('.', '/');
      }
    }
    return pkg;
  }
}
