package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated report in headless Chromium (skipped when /usr/bin/chromium is absent):
 * the page loads from a file with the network unreachable, every chart is in the DOM after
 * load, the console stays free of errors, a sweep of two model families shows one phase
 * diagram each and its structures as words with no JSON rendered until a {@code <details>} is
 * opened, and a screenshot of the whole page (1400 × 12000 px) is saved as
 * {@code target/report-screenshot.png}.
 */
class ReportBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final long TIMEOUT_SECONDS = 120;

  @TempDir
  static Path tmp;
  static Path page;
  static String html;

  @BeforeAll
  static void writePage() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium not installed");
    html = ReportWriter.render(SyntheticReport.of(400, 300, 3000, 7));
    page = tmp.resolve("report/index.html");
    Files.createDirectories(page.getParent());
    Files.writeString(page, html, StandardCharsets.UTF_8);
  }

  /** Runs chromium headless on the page with extra arguments; returns {stdout, stderr}. */
  private static String[] chromium(String... extra) throws Exception {
    return chromium(page, extra);
  }

  /** Console messages in chromium's stderr log ({@code INFO:CONSOLE:<line>] "..."}). */
  static List<String> consoleMessages(String stderr) {
    return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
  }

  private static String[] chromium(Path file, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
    cmd.addAll(List.of(extra));
    cmd.add(file.toUri().toString());
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in " + TIMEOUT_SECONDS + " s: "
          + Files.readString(err));
    }
    return new String[] {Files.readString(out), Files.readString(err)};
  }

  @Test
  void everyChartIsInTheDomAfterLoadAndTheConsoleIsClean() throws Exception {
    String[] r = chromium("--enable-logging=stderr", "--v=0", "--dump-dom");
    String dom = r[0];
    assertTrue(dom.contains("<section id=\"viscosity\">"), "page loaded: " + r[1]);
    int expected = SvgChecks.charts(html).size();
    assertTrue(expected > 50, expected + " charts");
    assertEquals(expected, SvgChecks.charts(dom).size(), "charts after load");
    assertEquals(SvgChecks.count(html, "<circle"), SvgChecks.count(dom, "<circle"));
    assertEquals(List.of(), consoleMessages(r[1]));
  }

  /**
   * A script added to a copy of a page (the report itself has none): replaces the body by one
   * {@code <pre id="probe">} holding what the browser renders as text before and after every
   * structure's JSON {@code <details>} is opened, and each family's heading and number of
   * heatmaps in the phase diagram.
   */
  static final String PROBE = String.join("\n",
      "const seen = document.body.innerText;",
      "const details = document.querySelectorAll('details.json');",
      "details.forEach(d => d.open = true);",
      "const opened = document.body.innerText;",
      "const families = [...document.querySelectorAll('#phase .family')].map(f =>",
      "  f.querySelector('h3').firstChild.textContent.trim() + ':'",
      "  + f.querySelectorAll('svg[aria-label=\"Shock rate\"]').length);",
      "const pre = document.createElement('pre');",
      "pre.id = 'probe';",
      "pre.textContent = ['details=' + details.length,",
      "  'json-seen=' + seen.includes('\"groups\"'),",
      "  'json-opened=' + opened.includes('\"groups\"'),",
      "  'words-seen=' + seen.includes('deep linear, 3 layers, GL(h) on each hidden space'),",
      "  'families=' + families.join(',')].join('\\n');",
      "document.body.replaceChildren(pre);");

  @Test
  void aPooledSweepReadsPerFamilyWithItsJsonOneClickAway() throws Exception {
    String pooled = ReportWriter.render(SyntheticReport.pooled(true));
    Path probe = tmp.resolve("pooled/index.html");
    Files.createDirectories(probe.getParent());
    Files.writeString(probe, pooled.replace("</body>", "<script>" + PROBE + "</script></body>"),
        StandardCharsets.UTF_8);
    String[] r = chromium(probe, "--enable-logging=stderr", "--v=0", "--dump-dom");
    assertEquals(List.of(), consoleMessages(r[1]));
    int start = r[0].indexOf("<pre id=\"probe\">");
    assertTrue(start >= 0, "probe ran: " + r[0] + r[1]);
    List<String> lines = r[0].substring(start + 16, r[0].indexOf("</pre>", start)).lines()
        .toList();
    // one per distinct structure in the overview (this sweep has no gallery runs)
    assertEquals(List.of("details=4", "json-seen=false", "json-opened=true", "words-seen=true",
        "families=catapult:1,deep-linear:1"), lines);
  }

  /**
   * A script added to a copy of the page: replaces the body by one {@code <pre id="probe">}
   * holding, per gallery front chart ({@link FrontChart#LABEL}), its rendered width and height,
   * its row labels as the browser lays them out (top to bottom), how many front dots it has and
   * how many of them have a non-empty rendered box.
   */
  static final String FRONT_PROBE = String.join("\n",
      "const charts = [...document.querySelectorAll('svg[aria-label=\"" + FrontChart.LABEL
          + "\"]')];",
      "const lines = charts.map(c => {",
      "  const r = c.getBoundingClientRect();",
      "  const labels = [...c.querySelectorAll('text[text-anchor=\"end\"]')]",
      "    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)",
      "    .map(t => t.textContent).join(',');",
      "  const dots = [...c.querySelectorAll('circle')];",
      "  const seen = dots.filter(d => { const b = d.getBoundingClientRect();",
      "    return b.width > 0 && b.height > 0; }).length;",
      "  return Math.round(r.width) + 'x' + Math.round(r.height) + ' ' + labels + ' dots='",
      "    + dots.length + ' seen=' + seen;",
      "});",
      "const pre = document.createElement('pre');",
      "pre.id = 'probe';",
      "pre.textContent = ['charts=' + charts.length].concat(lines).join('\\n');",
      "document.body.replaceChildren(pre);");

  /** The gallery's crystallisation maps render: layers by depth, then the end-to-end map. */
  @Test
  void frontChartsRenderWithTheLayersInDepthOrder() throws Exception {
    int expected = SvgChecks.count(html, "aria-label=\"" + FrontChart.LABEL + "\"");
    assertTrue(expected > 0, "front charts in the page");
    Path probe = tmp.resolve("fronts/index.html");
    Files.createDirectories(probe.getParent());
    Files.writeString(probe, html.replace("</body>", "<script>" + FRONT_PROBE
        + "</script></body>"), StandardCharsets.UTF_8);
    String[] r = chromium(probe, "--enable-logging=stderr", "--v=0", "--window-size=1400,3000",
        "--dump-dom");
    assertEquals(List.of(), consoleMessages(r[1]));
    int start = r[0].indexOf("<pre id=\"probe\">");
    assertTrue(start >= 0, "probe ran: " + r[0] + r[1]);
    List<String> lines = r[0].substring(start + 16, r[0].indexOf("</pre>", start)).lines()
        .toList();
    assertEquals("charts=" + expected, lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      // two panels wide, at least its natural size, its aspect kept (146 px for 4 rows)
      String[] size = line.substring(0, line.indexOf(' ')).split("x");
      double w = Double.parseDouble(size[0]);
      double h = Double.parseDouble(size[1]);
      assertTrue(w >= FrontChart.WIDTH * 0.95 && Math.abs(h / w - 146.0 / FrontChart.WIDTH)
          < 0.01, line);
      // two transitions through 4 parts: 8 dots, every one drawn with a visible box
      assertEquals(" layers.0.weight,layers.1.weight,layers.2.weight,end_to_end dots=8 seen=8",
          line.substring(line.indexOf(' ')));
    }
  }

  @Test
  void consoleErrorsWouldBeSeen() throws Exception {
    // the check above is only as good as the log it reads: a page that errs must show up
    Path bad = tmp.resolve("bad.html");
    Files.writeString(bad, "<html><body><script>undefinedFunction();</script></body></html>");
    List<String> messages = consoleMessages(chromium(bad, "--enable-logging=stderr", "--v=0",
        "--dump-dom")[1]);
    assertEquals(1, messages.size(), messages.toString());
    assertTrue(messages.get(0).contains("Uncaught ReferenceError"), messages.get(0));
  }

  @Test
  void screenshotShowsTheReport() throws Exception {
    Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
    Files.createDirectories(shot.getParent());
    Files.deleteIfExists(shot);
    String[] r = chromium("--screenshot=" + shot, "--window-size=1400,12000",
        "--hide-scrollbars");
    assertTrue(Files.size(shot) > 50_000, "screenshot written: " + r[1]);
    BufferedImage img = ImageIO.read(new File(shot.toString()));
    assertEquals(1400, img.getWidth());
    assertEquals(12000, img.getHeight());
    // a rendered report, not a blank or error page: many distinct colours (charts, heatmaps)
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 500, colours.size() + " colours");
    // the whole page is in the picture, its last sections (symmetry redundancy, viscosity law:
    // charts in the lowest quarter of the shot's content) included
    Set<Integer> lower = new HashSet<>();
    for (int y = 8000; y < 11000; y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        lower.add(img.getRGB(x, y));
      }
    }
    assertTrue(lower.size() > 100, lower.size() + " colours below 8000 px");
    // the header band is the dark gradient of the page style
    int rgb = img.getRGB(700, 20);
    assertTrue(((rgb >> 16) & 0xff) < 80 && (rgb & 0xff) > 60, Integer.toHexString(rgb));
  }
}
