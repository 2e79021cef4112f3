package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground end to end: headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed
 * with apt-get when missing; skipped only where that fails) drives the page of a gateway in front of a scripted
 * upstream. Leaves a screenshot of a streamed answer in {@code target/playground.png}.
 */
class PlaygroundBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String KEY = "right-key";

  private static Vertx vertx;
  private static WebDriver driver;
  private static Path profile;

  private ScriptedServer upstream;
  private String deployment;

  @BeforeAll
  static void startBrowser() throws IOException {
    String missing = install();
    Assumptions.assumeTrue(missing == null, () -> "Skipping the playground browser tests: " + missing);
    profile = Files.createTempDirectory("g4f-playground-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1100,760",
        "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10)).pageLoadTimeout(Duration.ofSeconds(20));
    vertx = Vertx.vertx();
  }

  /** Installs Chromium and its driver when they are missing; null when they are there, else why not. */
  private static String install() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return null;
    }
    String[] installCommand = {"apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "chromium",
        "chromium-driver"};
    String failure = run(installCommand);
    if (failure != null) {
      failure = run("apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=120");
      failure = failure != null ? failure : run(installCommand);
    }
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER) ? null
        : "Chromium (" + CHROMIUM + ") and chromedriver (" + CHROMEDRIVER + ") are missing and "
            + "`apt-get install chromium chromium-driver` did not install them" + (failure == null ? "" : ": " + failure);
  }

  /** Runs a command for at most five minutes; null when it succeeded, else what went wrong. */
  private static String run(String... command) {
    try {
      Path log = Files.createTempFile("g4f-apt", ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return String.join(" ", command) + " took longer than 5 minutes";
      }
      List<String> lines = Files.readAllLines(log);
      Files.delete(log);
      return process.exitValue() == 0 ? null : String.join(" ", command) + " exited with " + process.exitValue()
          + ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    } catch (IOException e) {
      return String.join(" ", command) + " could not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @AfterAll
  static void stopBrowser() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @BeforeEach
  void startUpstream() {
    upstream = ScriptedServer.start(vertx);
  }

  @AfterEach
  void stopGateway() {
    driver.get("about:blank");
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
    upstream.close();
  }

  /** Deploys a gateway in front of the upstream (provider {@code local}, models m1 and m2) and opens its page. */
  private void open(GatewayOptions options) {
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0).setShutdownTimeout(200).addProvider("local",
        new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1", "m2")));
    deployment = await(vertx.deployVerticle(gateway));
    driver.get("http://127.0.0.1:" + gateway.actualPort() + "/");
  }

  private void openAndWaitForPickers() {
    open(new GatewayOptions());
    waitFor(() -> new Select(driver.findElement(By.id("model"))).getOptions().size() == 3);
  }

  @Test
  void aStreamedAnswerAppearsPieceByPieceAndSurvivesAReload() throws IOException {
    List<String> pieces = List.of("Vert.x streams", " tokens as", " they arrive", ":\n\n",
        "```java\nclient.chat().completions()\n", "    .stream(request);\n```\n\n", "Each chunk is **one SSE event**.");
    upstream.on(HttpMethod.POST, "/v1/chat/completions", trickle(pieces, 150, new CompletableFuture<>()));
    openAndWaitForPickers();
    assertThat(new Select(driver.findElement(By.id("provider"))).getOptions()).extracting(WebElement::getText)
        .containsExactly("auto", "local (chat default, images)");
    new Select(driver.findElement(By.id("model"))).selectByValue("m1");

    prompt("How does the gateway stream?");
    driver.findElement(By.id("send")).click();

    List<String> seen = new ArrayList<>();
    waitFor(() -> {
      String text = lastAnswer();
      if (text != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(text))) {
        seen.add(text);
      }
      return text != null && text.endsWith("Each chunk is one SSE event.") && !streaming();
    });
    assertThat(seen).anySatisfy(partial -> assertThat(partial).startsWith("Vert.x streams")
        .doesNotContain("Each chunk"));
    assertThat(js("return document.querySelector('#messages .message.assistant:last-child pre code').textContent"))
        .isEqualTo("client.chat().completions()\n    .stream(request);");
    assertThat(js("return document.querySelector('#messages .message.assistant:last-child strong').textContent"))
        .isEqualTo("one SSE event");
    JsonObject sent = upstream.last().json();
    assertThat(sent.getString("model")).isEqualTo("m1");
    assertThat(sent.getBoolean("stream")).isTrue();
    assertThat(sent.getJsonArray("messages")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "How does the gateway stream?")));
    Files.write(Path.of("target", "playground.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

    driver.navigate().refresh();
    waitFor(() -> "Each chunk is one SSE event.".equals(js(
        "const p = document.querySelectorAll('#messages .message.assistant p'); return p.length ? p[p.length - 1].textContent : null")));
    assertThat((String) js("return document.querySelector('#messages .message.user').textContent"))
        .contains("How does the gateway stream?");
  }

  @Test
  void stopCancelsTheUpstreamRequest() throws Exception {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    upstream.on(HttpMethod.POST, "/v1/chat/completions", trickle(null, 100, closed));
    openAndWaitForPickers();

    prompt("Count for ever");
    driver.findElement(By.id("send")).click();
    waitFor(() -> lastAnswer() != null && lastAnswer().contains("tick 2"));
    driver.findElement(By.id("stop")).click();

    closed.get(5, TimeUnit.SECONDS);
    waitFor(() -> !streaming() && driver.findElement(By.id("send")).isEnabled());
    assertThat(driver.findElement(By.id("stop")).isEnabled()).isFalse();
    assertThat(js("return document.querySelector('#messages .message.assistant:last-child .note').textContent"))
        .isEqualTo("Stopped.");
    assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
  }

  @Test
  void generatedImagesAreShownForUrlAndBase64() throws IOException {
    byte[] png = png(64, 48, Color.ORANGE);
    upstream.on(HttpMethod.GET, "/cat.png", request -> request.response().putHeader("content-type", "image/png")
        .end(Buffer.buffer(png)));
    String imageUrl = "http://127.0.0.1:" + upstream.port() + "/cat.png";
    upstream.on(HttpMethod.POST, "/v1/images/generations", request -> {
      boolean base64 = "b64_json".equals(upstream.last().json().getString("response_format"));
      request.response().putHeader("content-type", "application/json").end(new JsonObject().put("created", 1)
          .put("data", new JsonArray().add(base64 ? new JsonObject().put("b64_json", Base64.getEncoder()
              .encodeToString(png)) : new JsonObject().put("url", imageUrl))).encode());
    });
    openAndWaitForPickers();

    for (String format : List.of("url", "b64_json")) {
      new Select(driver.findElement(By.id("image-format"))).selectByValue(format);
      prompt("a white siamese cat");
      driver.findElement(By.id("generate")).click();

      waitFor(() -> Long.valueOf(64).equals(js("const img = document.querySelector("
          + "'#messages .message.assistant:last-child img'); return img && img.complete ? img.naturalWidth : null")));
      String src = (String) js("return document.querySelector('#messages .message.assistant:last-child img').src");
      if (format.equals("url")) {
        assertThat(src).as("the gateway serves the upstream's image").startsWith(driver.getCurrentUrl() + "images/");
      } else {
        assertThat(src).isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
      }
      JsonObject asked = upstream.received().stream().filter(received -> received.method() == HttpMethod.POST)
          .reduce((first, second) -> second).orElseThrow().json();
      assertThat(asked.getString("prompt")).isEqualTo("a white siamese cat");
      assertThat(asked.getString("response_format")).isEqualTo(format);
    }
  }

  @Test
  void anUploadedImageIsSentAsADataUriForVision() throws IOException {
    byte[] png = png(20, 10, Color.RED);
    Path file = Files.createTempFile("g4f-vision", ".png");
    Files.write(file, png);
    upstream.sse("/v1/chat/completions", chunk("A red rectangle.") + "data: [DONE]\n\n");
    openAndWaitForPickers();

    driver.findElement(By.id("file")).sendKeys(file.toString());
    waitFor(() -> !driver.findElements(By.cssSelector("#attachments img")).isEmpty());
    prompt("What is in this picture?");
    driver.findElement(By.id("send")).click();

    waitFor(() -> "A red rectangle.".equals(lastAnswer()) && !streaming());
    JsonArray content = upstream.last().json().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    assertThat(content).isEqualTo(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "What is in this picture?"))
        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject()
            .put("url", "data:image/png;base64," + Base64.getEncoder().encodeToString(png)))));
    assertThat(js("const img = document.querySelector('#messages .message.user img'); return img && img.naturalWidth"))
        .isEqualTo(20L);
    Files.delete(file);
  }

  @Test
  void aWrongApiKeyShowsTheGatewaysMessageAndTheRightOneWorks() {
    upstream.sse("/v1/chat/completions", chunk("Authorized.") + "data: [DONE]\n\n");
    open(new GatewayOptions().setApiKey(KEY));
    waitFor(() -> driver.findElement(By.id("key-form")).isDisplayed());
    assertThat(driver.findElement(By.id("error-text")).getText()).isEqualTo("Missing or invalid API key");

    driver.findElement(By.id("key")).sendKeys("wrong-key");
    driver.findElement(By.cssSelector("#key-form button")).click();
    waitFor(() -> driver.findElement(By.id("key-form")).isDisplayed() && driver.findElement(By.id("error")).isDisplayed());
    assertThat(driver.findElement(By.id("error-text")).getText()).isEqualTo("Missing or invalid API key");

    driver.findElement(By.id("key")).sendKeys(KEY);
    driver.findElement(By.cssSelector("#key-form button")).click();
    waitFor(() -> new Select(driver.findElement(By.id("model"))).getOptions().size() == 3);
    prompt("hello");
    driver.findElement(By.id("send")).click();
    waitFor(() -> "Authorized.".equals(lastAnswer()));

    assertThat(driver.getCurrentUrl()).doesNotContain(KEY);
    assertThat(js("return sessionStorage.getItem('g4f.playground.key')")).isEqualTo(KEY);
    assertThat(js("return localStorage.getItem('g4f.playground.key')")).isNull();
  }

  @Test
  void upstreamFailuresShowTheGatewaysMessage() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 400, "application/json",
        "{\"error\":{\"message\":\"This model's context is full\",\"type\":\"invalid_request_error\"}}");
    openAndWaitForPickers();

    prompt("hello");
    driver.findElement(By.id("send")).click();

    waitFor(() -> driver.findElement(By.id("error")).isDisplayed());
    assertThat(driver.findElement(By.id("error-text")).getText()).contains("This model's context is full");
    assertThat(js("return document.querySelector('#messages .message.assistant:last-child .failure').textContent"))
        .asString().contains("This model's context is full");

    upstream.sse("/v1/chat/completions", chunk("Partial answer")
        + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    driver.findElement(By.id("error-close")).click();
    prompt("again");
    driver.findElement(By.id("send")).click();

    waitFor(() -> driver.findElement(By.id("error")).isDisplayed() && !streaming());
    assertThat(driver.findElement(By.id("error-text")).getText()).contains("overloaded");
    assertThat(lastAnswer()).isEqualTo("Partial answer");
  }

  @Test
  void htmlInAnAnswerIsShownAsText() {
    String answer = "Look: <script>window.pwned = 1; alert(1)</script> and <img src=x onerror=\"window.pwned = 2; "
        + "alert(2)\"> and `<b>code</b>` and [a link](javascript:alert(3)).";
    upstream.sse("/v1/chat/completions", chunk(answer.substring(0, 20)) + chunk(answer.substring(20)) + "data: [DONE]\n\n");
    openAndWaitForPickers();

    prompt("<i>say something nasty</i>");
    driver.findElement(By.id("send")).click();

    waitFor(() -> lastAnswer() != null && lastAnswer().endsWith("(javascript:alert(3)).") && !streaming());
    for (int pass = 0; pass < 2; pass++) {
      assertThat(lastAnswer()).isEqualTo(answer.replace("`", ""));
      assertThat(js("return document.querySelectorAll('#messages script, #messages img, #messages b, #messages i, "
          + "#messages a').length")).isEqualTo(0L);
      assertThat(js("return window.pwned === undefined")).isEqualTo(true);
      assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      driver.navigate().refresh();
      waitFor(() -> lastAnswer() != null);
    }
  }

  // ---- helpers ----

  private static void prompt(String text) {
    WebElement prompt = driver.findElement(By.id("prompt"));
    prompt.clear();
    prompt.sendKeys(text);
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  /** The text of the last assistant message, or null. */
  private static String lastAnswer() {
    return (String) js("const b = document.querySelectorAll('#messages .message.assistant .body');"
        + " return b.length ? b[b.length - 1].textContent : null");
  }

  private static boolean streaming() {
    return !driver.findElements(By.cssSelector("#messages .message.streaming")).isEmpty();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(15)).until(d -> condition.getAsBoolean());
  }

  private static String chunk(String content) {
    return "data: " + new JsonObject().put("id", "c1").put("object", "chat.completion.chunk").put("created", 1)
        .put("model", "m1").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("delta", new JsonObject().put("content", content)))).encode() + "\n\n";
  }

  /**
   * An upstream that writes one piece every {@code delayMs} ms, then {@code [DONE]}; with no pieces it writes
   * "tick N" for ever. Completes {@code closed} when the connection closes before the end.
   */
  private static Handler<HttpServerRequest> trickle(List<String> pieces, long delayMs, CompletableFuture<Void> closed) {
    return request -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      AtomicInteger next = new AtomicInteger();
      long timer = vertx.setPeriodic(delayMs, id -> {
        int n = next.getAndIncrement();
        if (pieces == null || n < pieces.size()) {
          response.write(chunk(pieces == null ? "tick " + n + " " : pieces.get(n)));
        } else {
          vertx.cancelTimer(id);
          response.end("data: [DONE]\n\n");
        }
      });
      response.closeHandler(v -> {
        vertx.cancelTimer(timer);
        closed.complete(null);
      });
    };
  }

  private static byte[] png(int width, int height, Color color) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    var graphics = image.createGraphics();
    graphics.setColor(color);
    graphics.fillRect(0, 0, width, height);
    graphics.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
