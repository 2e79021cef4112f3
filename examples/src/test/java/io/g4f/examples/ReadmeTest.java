package io.g4f.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the README's "Getting started" honest: its Java and Kotlin programs are the examples
 * {@code GettingStarted} that {@link ExamplesTest} runs (word for word, the package line aside), and its
 * coordinates name the artifacts the build makes, each aligned by the BOM {@code g4f-bom}. Every Java snippet
 * of the README and the guide is a complete program that compiles and closes its client.
 */
class ReadmeTest {

  private static final Path ROOT = Path.of("..");
  private static final List<String> ARTIFACTS = List.of("g4f-client", "g4f-client-kotlin", "g4f-vertx-server");

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path));
  }

  /** The README's fenced blocks of {@code language}. */
  private static List<String> blocks(String language) throws IOException {
    return blocks("README.md", language);
  }

  /** The fenced blocks of {@code language} in the document at {@code path}. */
  private static List<String> blocks(String path, String language) throws IOException {
    Matcher block = Pattern.compile("(?s)```" + language + "\\n(.*?)```").matcher(read(path));
    List<String> found = new ArrayList<>();
    while (block.find()) {
      found.add(block.group(1));
    }
    return found;
  }

  private static String withoutPackage(String source) {
    return source.replaceFirst("(?m)^package [\\w.]+;?\\n\\n", "");
  }

  @Test
  void theJavaProgramIsTheExampleThatRuns() throws IOException {
    String example = withoutPackage(read("examples/src/main/java/io/g4f/examples/GettingStarted.java"));

    assertThat(blocks("java")).contains(example);
  }

  @Test
  void theKotlinProgramIsTheExampleThatRuns() throws IOException {
    String example = withoutPackage(read("examples/src/main/kotlin/io/g4f/examples/kotlin/GettingStarted.kt")
        .replaceFirst("@file:JvmName\\(\"GettingStarted\"\\)\\n\\n", ""));

    assertThat(blocks("kotlin")).contains(example);
  }

  @Test
  void theCoordinatesAreTheBuildsArtifactsAlignedByTheBom() throws IOException {
    String readme = read("README.md");
    String bom = read("bom/pom.xml");
    String version = versionOf(read("pom.xml"));

    assertThat(read("pom.xml")).contains("<module>bom</module>");
    assertThat(bom).contains("<artifactId>g4f-bom</artifactId>", "<packaging>pom</packaging>",
        "<version>" + version + "</version>");
    assertThat(readme).contains("<artifactId>g4f-bom</artifactId>", "io.g4f:g4f-bom:" + version,
        "<version>" + version + "</version>");
    for (String artifact : ARTIFACTS) {
      assertThat(bom).as("the BOM manages " + artifact)
          .containsPattern("<artifactId>" + artifact + "</artifactId>\\s*<version>\\$\\{project.version}</version>");
      assertThat(readme).contains("io.g4f:" + artifact, "<artifactId>" + artifact + "</artifactId>");
    }
    assertThat(read("client/pom.xml") + read("client-kotlin/pom.xml") + read("vertx-server/pom.xml"))
        .contains(ARTIFACTS.stream().map(a -> "<artifactId>" + a + "</artifactId>").toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "docs/guide.md"})
  void everyJavaSnippetIsAProgramThatCompilesAndClosesItsClient(String document, @TempDir Path dir)
      throws IOException {
    List<String> snippets = blocks(document, "java");
    assertThat(snippets).isNotEmpty();
    List<Path> sources = new ArrayList<>();
    for (String snippet : snippets) {
      Matcher name = Pattern.compile("public class (\\w+)").matcher(snippet);
      assertThat(name.find()).as("a complete program:\n" + snippet).isTrue();
      assertThat(snippet).contains("public static void main(String[] args)")
          .containsPattern("client::close|try \\(Client client");
      sources.add(Files.writeString(dir.resolve(name.group(1) + ".java"), snippet));
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, null)) {
      boolean compiled = compiler.getTask(errors, files, null, List.of("-d", dir.toString(), "-classpath",
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))), null,
          files.getJavaFileObjectsFromPaths(sources)).call();
      assertThat(compiled).as(errors.toString()).isTrue();
    }
  }

  /** The project's version: the first {@code <version>} after the parent's own artifactId. */
  private static String versionOf(String pom) {
    Matcher version = Pattern.compile("<artifactId>g4f-vertx-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(pom);
    assertThat(version.find()).isTrue();
    return version.group(1);
  }
}
