package io.g4f.examples;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every example as its own JVM, the way a user does, against a scripted OpenAI-compatible
 * server given by {@code OPENAI_BASE_URL}, and checks what it prints and what it sent. Each seed
 * snippet is run twice, in Java ({@code io.g4f.examples}) and in Kotlin ({@code io.g4f.examples.kotlin}),
 * with the same expectations.
 */
@ExtendWith(VertxExtension.class)
class ExamplesTest {

  private static final byte[] PNG = ScriptedServer.onePixelPng();

  private static final String JAVA = "io.g4f.examples";
  private static final String KOTLIN = "io.g4f.examples.kotlin";

  private ScriptedServer upstream;
  private Path imagesDir;

  /** What one example run produced. */
  record Run(int exit, String out, String err) {
  }

  @BeforeEach
  void setUp(Vertx vertx) throws IOException {
    imagesDir = Files.createDirectories(Path.of("target", "example-images")).toAbsolutePath();
    upstream = ScriptedServer.start(vertx)
        .openAiChat("/v1/chat/completions")
        .on(HttpMethod.GET, "/files/cat.png", request ->
            request.response().putHeader("content-type", "image/png").end(Buffer.buffer(PNG)))
        .on(HttpMethod.POST, "/v1/images/generations", request -> {
          boolean wantsBase64 = "b64_json".equals(upstream.last().json().getString("response_format"));
          JsonObject image = wantsBase64
              ? new JsonObject().put("url", "http://127.0.0.1:" + upstream.port() + "/files/cat.png")
              : new JsonObject().put("b64_json", Base64.getEncoder().encodeToString(PNG));
          request.response().putHeader("content-type", "application/json")
              .end(new JsonObject().put("created", 1).put("data", new JsonArray().add(image)).encode());
        });
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  /** Runs the example {@code name} of the package {@code language} ({@link #JAVA} or {@link #KOTLIN}). */
  private Run run(String language, String name, String... args) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String example = language + "." + name;
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath, example));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("OPENAI_BASE_URL", upstream.baseUrl());
    builder.environment().put("OPENAI_API_KEY", "test-key");
    builder.environment().put("G4F_IMAGES_DIR", imagesDir.toString());
    builder.environment().remove("G4F_MODEL");
    builder.environment().remove("G4F_IMAGE_MODEL");
    builder.environment().remove("G4F_PROXY");
    Process process = builder.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errReader = new Thread(() -> {
      try {
        process.getErrorStream().transferTo(err);
      } catch (IOException ignored) {
        // the process is gone
      }
    });
    errReader.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(example + " did not finish in 60 s");
    }
    errReader.join(5_000);
    return new Run(process.exitValue(), out, err.toString(StandardCharsets.UTF_8));
  }

  private static void assertSucceeded(Run run, String expectedOut) {
    assertThat(run.err()).as("stderr").doesNotContain("Error");
    assertThat(run.exit()).as("exit status").isZero();
    assertThat(run.out()).isEqualTo(expectedOut);
  }

  private JsonObject chatRequest() {
    return upstream.received().stream().filter(r -> r.uri().equals("/v1/chat/completions")).findFirst()
        .orElseThrow().json();
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void textCompletion(String language) throws Exception {
    assertSucceeded(run(language, "TextCompletion"), "This is a test.\n");
    assertThat(chatRequest().getString("model")).isEqualTo("gpt-3.5-turbo");
    assertThat(chatRequest().getJsonArray("messages")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "say this is a test")));
    assertThat(upstream.last().headers().get("authorization")).isEqualTo("Bearer test-key");
  }

  /** The README's "Getting started" programs (ReadmeTest keeps them verbatim): they print both answers and exit. */
  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void gettingStarted(String language) throws Exception {
    assertSucceeded(run(language, "GettingStarted"), "This is a test.\nThis is a test.\n");
    assertThat(upstream.received()).extracting(r -> r.json().getBoolean("stream", false))
        .containsExactly(false, true);
    assertThat(upstream.last().headers().get("authorization")).isEqualTo("Bearer test-key");
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void clientWithProviders(String language) throws Exception {
    assertSucceeded(run(language, "ClientWithProviders"), "This is a test.\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void configuration(String language) throws Exception {
    assertSucceeded(run(language, "Configuration"), "This is a test.\n");
    assertThat(upstream.last().headers().get("authorization")).isEqualTo("Bearer test-key");
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void streamingCompletion(String language) throws Exception {
    assertSucceeded(run(language, "StreamingCompletion"), "This is a test.\n");
    assertThat(chatRequest().getString("model")).isEqualTo("gpt-4");
    assertThat(chatRequest().getBoolean("stream")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void visionCompletionWithTheBundledImage(String language) throws Exception {
    assertSucceeded(run(language, "VisionCompletion"), "This is a test.\n");
    JsonArray content = chatRequest().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    assertThat(content.getJsonObject(0).getString("text")).isEqualTo("What are on this image?");
    assertThat(content.getJsonObject(1).getJsonObject("image_url").getString("url"))
        .startsWith("data:image/jpeg;base64,/9j/");
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void visionCompletionWithAFile(String language) throws Exception {
    Path file = Files.write(imagesDir.resolve("input.png"), PNG);

    assertSucceeded(run(language, "VisionCompletion", file.toString()), "This is a test.\n");
    JsonArray content = chatRequest().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    assertThat(content.getJsonObject(1).getJsonObject("image_url").getString("url"))
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void imageGenerationAsUrl(String language) throws Exception {
    Run run = run(language, "ImageGenerationUrl");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("Generated image URL: file:").endsWith(".png\n");
    Path file = Path.of(URI.create(run.out().substring("Generated image URL: ".length()).trim()));
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(upstream.last().json().getString("model")).isEqualTo("dall-e-3");
    assertThat(upstream.last().json().getString("prompt")).isEqualTo("a white siamese cat");
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void imageGenerationAsBase64(String language) throws Exception {
    assertSucceeded(run(language, "ImageGenerationBase64"), Base64.getEncoder().encodeToString(PNG) + "\n");
    assertThat(upstream.last().uri()).as("the url was downloaded").isEqualTo("/files/cat.png");
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void chatAndImageTogether(String language) throws Exception {
    Run run = run(language, "ChatAndImageTogether");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).matches("(?s)Chat Response:\nThis is a test\\.\n\nImage Response:\nfile:.*\\.png\n");
    assertThat(upstream.received()).extracting(ScriptedServer.Received::uri)
        .containsExactlyInAnyOrder("/v1/chat/completions", "/v1/images/generations");
  }

  @Test
  void customProvider() throws Exception {
    assertSucceeded(run(JAVA, "CustomProvider"), "SAY THIS IS A TEST! (Shout)\n");
    assertThat(upstream.received()).as("a custom provider needs no server").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void toolkitProvider(String language) throws Exception {
    upstream.on(HttpMethod.POST, "/v1/generate", request -> {
      if (upstream.last().json().getBoolean("stream")) {
        request.response().putHeader("content-type", "text/event-stream").end("id: g-1\nevent: token\n"
            + "data: {\"text\":\"This is \"}\n\nevent: token\ndata: {\"text\":\"a test.\"}\n\n"
            + "event: done\ndata: {\"stop\":\"end\"}\n\n");
      } else {
        request.response().putHeader("content-type", "application/json")
            .end("{\"id\":\"g-0\",\"text\":\"This is a test.\",\"stop\":\"end\"}");
      }
    });

    assertSucceeded(run(language, "ToolkitProvider", upstream.baseUrl()), "This is a test. (Quill)\nThis is a test.\n");
    assertThat(upstream.received()).extracting(ScriptedServer.Received::uri).containsExactly("/v1/generate", "/v1/generate");
    assertThat(upstream.received().get(0).json().getString("model")).isEqualTo("quill-1");
  }

  @Test
  void aFailureExitsNonZeroWithAReadableMessage() throws Exception {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json",
        "{\"error\":{\"message\":\"Invalid key\",\"type\":\"invalid_request_error\"}}");

    Run run = run(JAVA, "TextCompletion");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("Error: OpenAI answered HTTP 401: Invalid key\n");
  }

  @Test
  void aKotlinFailureEndsMainWithTheLibraryException() throws Exception {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json",
        "{\"error\":{\"message\":\"Invalid key\",\"type\":\"invalid_request_error\"}}");

    Run run = run(KOTLIN, "TextCompletion");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("Exception in thread \"main\" io.g4f.client.errors.AuthenticationException: "
        + "OpenAI answered HTTP 401: Invalid key\n");
  }

  /**
   * Answers chat as a model that speaks structured output and tools would: a person for a request with a
   * {@code response_format}; for a request with tools, a call to the weather tool per city the question names (Paris,
   * and Oslo when it asks for it), then, once the tools answered, an answer that quotes their results.
   */
  private void typedModel() {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      JsonObject body = upstream.last().json();
      JsonArray messages = body.getJsonArray("messages");
      String question = messages.getJsonObject(0).getString("content");
      List<String> results = messages.stream().map(JsonObject.class::cast)
          .filter(message -> "tool".equals(message.getString("role"))).map(message -> message.getString("content"))
          .toList();
      JsonObject message = new JsonObject().put("role", "assistant");
      if (body.containsKey("response_format")) {
        message.put("content", "{\"name\":\"Ada Lovelace\",\"age\":36,\"email\":null}");
      } else if (results.isEmpty()) {
        JsonArray calls = new JsonArray();
        for (String city : question.contains("Oslo") ? List.of("Paris", "Oslo") : List.of("Paris")) {
          calls.add(new JsonObject().put("id", "call_" + city).put("type", "function").put("function", new JsonObject()
              .put("name", "GetWeather").put("arguments", new JsonObject().put("city", city).encode())));
        }
        message.putNull("content").put("tool_calls", calls);
      } else {
        message.put("content", "The tools said " + String.join(" and ", results) + ".");
      }
      request.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", "chatcmpl-1")
          .put("object", "chat.completion").put("created", 1).put("model", body.getString("model"))
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
              .put("finish_reason", message.containsKey("tool_calls") ? "tool_calls" : "stop"))).encode());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void typedAnswer(String language) throws Exception {
    typedModel();

    assertSucceeded(run(language, "TypedAnswer"), "Ada Lovelace, 36, null\n");
    JsonObject format = chatRequest().getJsonObject("response_format");
    assertThat(format.getJsonObject("json_schema").getString("name")).isEqualTo("Person");
    assertThat(format.getJsonObject("json_schema").getJsonObject("schema").getJsonObject("properties").fieldNames())
        .containsExactly("name", "age", "email");
    assertThat(format.getJsonObject("json_schema").getJsonObject("schema").getJsonArray("required"))
        .containsExactly("name", "age", "email");
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void toolRoundTrip(String language) throws Exception {
    typedModel();

    assertSucceeded(run(language, "ToolRoundTrip"), "The tools said {\"city\":\"Paris\",\"celsius\":21}.\n");
    JsonObject tool = chatRequest().getJsonArray("tools").getJsonObject(0).getJsonObject("function");
    assertThat(tool.getString("name")).isEqualTo("GetWeather");
    assertThat(tool.getString("description")).isEqualTo("The current weather in a city");
    assertThat(tool.getJsonObject("parameters").getJsonObject("properties").getJsonObject("city")
        .getString("description")).isEqualTo("the city, e.g. Paris");
    assertThat(upstream.last().json().getJsonArray("messages").getJsonObject(2))
        .isEqualTo(new JsonObject().put("role", "tool").put("content", "{\"city\":\"Paris\",\"celsius\":21}")
            .put("tool_call_id", "call_Paris"));
  }

  @ParameterizedTest
  @ValueSource(strings = {JAVA, KOTLIN})
  void toolLoop(String language) throws Exception {
    typedModel();

    assertSucceeded(run(language, "ToolLoopWeather"), "step 1: 2 tool call(s)\n"
        + "The tools said {\"city\":\"Paris\",\"celsius\":21} and {\"city\":\"Oslo\",\"celsius\":21}.\n");
    assertThat(upstream.received()).hasSize(2);
  }
}
