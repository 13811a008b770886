package io.herald.node;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/architecture.md names only what exists: every repository path it names (`core/PublishBody`,
 * `gateway-verticle/.../auth/`, `k8s/validate/validate.mjs`) is a file or folder of the repository, and every class
 * it names is declared in it (or is a file of it, as {@code Dockerfile}), unless it is one of the few classes of our
 * dependencies the document explains.
 * So a rename or a move that forgets the document fails here.
 */
class ArchitectureDocTest {

  /** Tests run in the node module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOC = ROOT.resolve("docs").resolve("architecture.md");
  private static final Pattern CODE = Pattern.compile("`([^`\\s]+)`");
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*");
  private static final Pattern PACKAGE_ROW = Pattern.compile("^\\| `([^`]+/src/main/java/[^`]+)` \\|", Pattern.MULTILINE);
  private static final Pattern DECLARATION = Pattern.compile("(?:class|record|enum|interface)\\s+([A-Z][A-Za-z0-9]*)");
  /** Classes of Vert.x, Netty, graphql-java, nimbus-jose-jwt, JCTools and the JDK the document names to explain a choice. */
  private static final Set<String> THEIRS = Set.of("ConnectionBase", "FlushConsolidationHandler", "GraphQLWSHandler",
      "GraphiQLHandler", "HttpConnection", "LinkedBlockingQueue", "LinkedHashMap", "MpscUnboundedArrayQueue",
      "PreparsedDocumentProvider", "ServerWebSocket", "WebClient", "Host", "JWSObject");

  private static List<String> files;
  private static Set<String> declared;
  private static List<String> named;

  @BeforeAll
  static void read() throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      files = walk.filter(Files::isRegularFile).map(p -> ROOT.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.contains("/target/") && !p.contains("node_modules/") && !p.startsWith(".git/")
              && !p.startsWith("target/"))
          .toList();
    }
    declared = new TreeSet<>();
    for (String f : files) {
      if (f.endsWith(".java") || f.endsWith(".ts") || f.endsWith(".mjs")) {
        Matcher m = DECLARATION.matcher(Files.readString(ROOT.resolve(f)));
        while (m.find()) {
          declared.add(m.group(1));
        }
      }
    }
    named = new ArrayList<>();
    Matcher m = CODE.matcher(Files.readString(DOC));
    while (m.find()) {
      named.add(m.group(1));
    }
  }

  @Test
  void everyRepositoryPathItNamesExists() {
    List<String> missing = named.stream().filter(ArchitectureDocTest::repositoryPath)
        .filter(p -> !exists(p)).distinct().toList();

    assertThat(missing).as("paths named in docs/architecture.md that the repository does not have").isEmpty();
  }

  @Test
  void everyClassItNamesIsDeclaredOrOneOfItsDependencies() {
    List<String> missing = named.stream().map(n -> n.contains("/") ? n.substring(n.lastIndexOf('/') + 1) : n)
        .map(n -> n.contains(".") ? n.substring(0, n.indexOf('.')) : n)
        .filter(n -> CLASS_NAME.matcher(n).matches())
        .filter(n -> !declared.contains(n) && !THEIRS.contains(n) && files.stream().noneMatch(f -> f.endsWith("/" + n) || f.equals(n)))
        .distinct().toList();

    assertThat(missing).as("classes named in docs/architecture.md that no source declares").isEmpty();
  }

  /**
   * The Packages table and the code agree: every folder of main sources that holds Java code is a row, and every row
   * is such a folder. So a package made, moved or emptied without the document fails here.
   */
  @Test
  void thePackagesTableListsEverySourcePackageAndNoOther() {
    Set<String> inCode = new TreeSet<>();
    files.stream().filter(f -> f.contains("/src/main/java/") && f.endsWith(".java"))
        .forEach(f -> inCode.add(f.substring(0, f.lastIndexOf('/'))));
    Set<String> inTable = new TreeSet<>();
    Matcher row = PACKAGE_ROW.matcher(section("Packages"));
    while (row.find()) {
      inTable.add(row.group(1));
    }

    assertThat(inTable).as("the Packages table of docs/architecture.md against the source folders")
        .containsExactlyInAnyOrderElementsOf(inCode);
  }

  private static String section(String title) {
    try {
      String doc = Files.readString(DOC);
      int start = doc.indexOf("\n## " + title + "\n");
      assertThat(start).as("docs/architecture.md has a section " + title).isNotNegative();
      int end = doc.indexOf("\n## ", start + 1);
      return doc.substring(start, end < 0 ? doc.length() : end);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A name with a slash that points into the repository: one starting with a top-level folder
   * ({@code gateway-verticle/}), or a package-relative class path ({@code impl/SseEndpoint}). Not a URL path
   * ({@code /ws}), a media type ({@code text/event-stream}), a pattern or a build output ({@code target/}).
   */
  private static boolean repositoryPath(String name) {
    if (!name.contains("/") || name.startsWith("/") || name.contains("target/") || name.matches(".*[:{}<>*=?()\"'].*")) {
      return false;
    }
    String first = name.substring(0, name.indexOf('/'));
    String last = name.endsWith("/") ? "" : name.substring(name.lastIndexOf('/') + 1);
    return Files.isDirectory(ROOT.resolve(first)) || CLASS_NAME.matcher(last.split("\\.")[0]).matches();
  }

  /** Whether {@code name} is a file or folder from the root, or the end of one ({@code .../} stands for any folders). */
  private static boolean exists(String name) {
    String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    Pattern pattern = Pattern.compile("(^|.*/)" + Pattern.quote(path).replace("/.../", "\\E/(?:.+/)?\\Q")
        + "(\\.java|\\.ts|\\.mjs)?(/.*)?$");
    return files.stream().anyMatch(f -> pattern.matcher(f).matches());
  }
}
