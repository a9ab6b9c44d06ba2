package org.shockscope.spark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.shockscope.spark.AnalyzeSettings;
import org.shockscope.spark.SweepAnalysis;

/**
 * {@code notebooks/quickstart.py} is a Databricks source notebook whose widgets are declared
 * before use, whose analysis options are ones the job accepts for every widget choice, whose
 * calls into the JVM name classes and methods that exist, and which is valid Python. (Running it
 * needs PySpark and Databricks' {@code dbutils}; the SQL it shows is run by
 * {@link ExploreNotebookTest} and {@link SqlFunctionsTest}.)
 */
class QuickstartNotebookTest {
  private static final Path NOTEBOOK = Path.of("notebooks", "quickstart.py");
  private static final Pattern DECLARE = Pattern.compile(
      "dbutils\\.widgets\\.(text|dropdown|combobox)\\(\"(\\w+)\", \"([^\"]*)\"(?:, \\[([^\\]]*)\\])?");
  private static final Pattern GET = Pattern.compile("dbutils\\.widgets\\.get\\(\"(\\w+)\"\\)");
  private static final Pattern OPTION = Pattern.compile(
      "\"(\\w+)\": dbutils\\.widgets\\.get\\(\"(\\w+)\"\\)");
  private static final Pattern JVM_CALL = Pattern.compile(
      "jvm\\.((?:[a-z]\\w*\\.)+[A-Z]\\w*)(?:\\.([a-z]\\w*))?\\(");
  private static final Pattern SUMMARY_CALL = Pattern.compile("summary\\.(\\w+)\\(\\)");

  private static String source() throws IOException {
    return Files.readString(NOTEBOOK);
  }

  @Test
  void cellsAreDatabricksSource() throws IOException {
    List<NotebookSource.Cell> cells = NotebookSource.read(NOTEBOOK);
    assertEquals(NotebookSource.Kind.MARKDOWN, cells.get(0).kind());
    assertTrue(cells.get(0).text().startsWith("# shockscope quickstart"));
    assertTrue(cells.size() >= 8, "cells: " + cells.size());
    assertTrue(cells.stream().skip(1).allMatch(c -> c.kind() == NotebookSource.Kind.PYTHON));
  }

  @Test
  void widgetsAreDeclaredBeforeTheyAreRead() throws IOException {
    String src = source();
    Matcher d = DECLARE.matcher(src);
    Set<String> declared = new LinkedHashSet<>();
    int firstGet = src.indexOf("dbutils.widgets.get(");
    while (d.find()) {
      assertTrue(d.start() < firstGet, d.group(2) + " declared before the first read");
      declared.add(d.group(2));
    }
    Matcher g = GET.matcher(src);
    Set<String> read = new LinkedHashSet<>();
    while (g.find()) {
      read.add(g.group(1));
    }
    assertEquals(List.of("sweep", "out", "format", "incremental"), List.copyOf(declared));
    assertEquals(declared, read);
  }

  @Test
  void analysisOptionsAreAcceptedForEveryWidgetChoice() throws IOException {
    String src = source();
    Map<String, List<String>> choices = new LinkedHashMap<>();
    Matcher d = DECLARE.matcher(src);
    while (d.find()) {
      List<String> values = new ArrayList<>(List.of(d.group(3)));
      if (d.group(4) != null) {
        values = Arrays.stream(d.group(4).split(","))
            .map(s -> s.strip().replace("\"", "")).collect(Collectors.toList());
        assertTrue(values.contains(d.group(3)), "default among the choices of " + d.group(2));
      }
      choices.put(d.group(2), values);
    }
    Matcher o = OPTION.matcher(src);
    Map<String, String> optionWidget = new LinkedHashMap<>();
    while (o.find()) {
      optionWidget.put(o.group(1), o.group(2));
    }
    assertEquals(Set.of("sweep", "out", "format", "incremental"), optionWidget.keySet());
    int checked = 0;
    for (String format : choices.get(optionWidget.get("format"))) {
      for (String incremental : choices.get(optionWidget.get("incremental"))) {
        Map<String, String> cli = new LinkedHashMap<>();
        optionWidget.forEach((k, w) -> cli.put(k, choices.get(w).get(0)));
        cli.put("format", format);
        cli.put("incremental", incremental);
        AnalyzeSettings s = AnalyzeSettings.resolve(cli, null, Map.of());
        assertEquals(format, s.format().name().toLowerCase(java.util.Locale.ROOT));
        assertEquals(Boolean.parseBoolean(incremental), s.incremental());
        assertEquals(choices.get("sweep").get(0), s.sweep());
        checked++;
      }
    }
    assertEquals(4, checked);
  }

  @Test
  void jvmCallsNameExistingClassesAndMethods() throws Exception {
    String src = source();
    Matcher m = JVM_CALL.matcher(src);
    int calls = 0;
    while (m.find()) {
      Class<?> c = Class.forName(m.group(1));
      if (m.group(2) == null) {
        assertTrue(c.getConstructors().length > 0, "public constructor of " + c);
      } else {
        String name = m.group(2);
        assertTrue(Arrays.stream(c.getMethods()).anyMatch(
                x -> x.getName().equals(name) && Modifier.isStatic(x.getModifiers())),
            "public static " + c.getName() + "." + name);
      }
      calls++;
    }
    assertEquals(5, calls);
    Matcher s = SUMMARY_CALL.matcher(src);
    Set<String> accessors = Arrays.stream(SweepAnalysis.Summary.class.getMethods())
        .filter(x -> x.getParameterCount() == 0).map(Method::getName).collect(Collectors.toSet());
    int used = 0;
    while (s.find()) {
      assertTrue(accessors.contains(s.group(1)), "Summary." + s.group(1) + "()");
      used++;
    }
    assertTrue(used >= 8, "summary fields shown: " + used);
  }

  @Test
  void isValidPython() throws Exception {
    Path python = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(p -> Path.of(p, "python3")).filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(python != null, "python3 not on PATH");
    Process p = new ProcessBuilder(python.toString(), "-c",
        "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
        NOTEBOOK.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), output);
    assertFalse(source().contains("\t"), "no tabs");
  }
}
