package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ImageInput;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.provider.OllamaProvider;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A caller's image URL that the client downloads (for OllamaNative, which takes bytes) reaches public addresses
 * only: loopback, link-local, private and IPv4-in-IPv6 forms are refused with a 400 naming the host, before any
 * connection, at the URL and at every redirect, unless {@code allowedPrivateImageHosts} allows the host. Every
 * server here is on 127.0.0.1, so a test that is refused would otherwise download the image.
 */
@ExtendWith(VertxExtension.class)
class ImageUrlGuardTest {

  private static final byte[] PNG = VisionTest.image("png");

  private Vertx vertx;
  private ScriptedServer server;
  private final List<AsyncClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    server = ScriptedServer.start(vertx)
        .chat("/api/chat", "application/x-ndjson", resource("transcripts/ollama-chat-stream.ndjson"),
            resource("transcripts/ollama-chat.json"))
        .on(HttpMethod.GET, "/cat.png", request -> request.response().putHeader("content-type", "image/png")
            .end(Buffer.buffer(PNG)))
        .on(HttpMethod.GET, "/to-loopback", request -> request.response().setStatusCode(302)
            .putHeader("location", "http://127.0.0.1:" + request.localAddress().port() + "/cat.png").end())
        .on(HttpMethod.GET, "/loop", request -> request.response().setStatusCode(307).putHeader("location", "/loop")
            .end())
        .reply(HttpMethod.GET, "/page.html", 200, "text/html", "<html>metadata</html>")
        .reply(HttpMethod.GET, "/fake.png", 200, "image/png", "not a picture")
        .on(HttpMethod.GET, "/huge.png", request -> {
          Buffer mebibyte = Buffer.buffer(new byte[1024 * 1024]);
          request.response().setChunked(true).putHeader("content-type", "image/png").write(Buffer.buffer(PNG));
          for (int i = 0; i < 21; i++) {
            request.response().write(mebibyte);
          }
          request.response().end();
        });
  }

  @AfterEach
  void tearDown() {
    clients.forEach(client -> await(client.close()));
    server.close();
  }

  private AsyncClient client(String... allowed) {
    AsyncClient client = AsyncClient.create(vertx, new ClientOptions().setProvider("OllamaNative").setMaxRetries(0)
            .setConnectTimeout(60_000).setAllowedPrivateImageHosts(List.of(allowed)),
        ProviderRegistry.standard().register(new OllamaProvider("http://127.0.0.1:" + server.port())));
    clients.add(client);
    return client;
  }

  private static ChatCompletionRequest describe(String url) {
    return ChatCompletionRequest.of("llava", "what is this?").addImage(ImageInput.ofUrl(url));
  }

  private G4fException refused(AsyncClient client, String url) {
    G4fException failure = fail(client.chat().completions().create(describe(url)));
    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.code()).isEqualTo("invalid_image_url");
    return failure;
  }

  private List<String> requested() {
    return server.received().stream().map(ScriptedServer.Received::uri).toList();
  }

  private String local(String host, String path) {
    return "http://" + host + ":" + server.port() + path;
  }

  @Test
  void aLoopbackAddressIsRefusedBeforeAnyRequest() {
    G4fException failure = refused(client(), local("127.0.0.1", "/cat.png"));

    assertThat(failure).hasMessageContaining("host 127.0.0.1 is a loopback address")
        .hasMessageContaining("allowedPrivateImageHosts");
    assertThat(requested()).as("neither the image nor Ollama was asked").isEmpty();
  }

  @Test
  void aHostNameThatResolvesToLoopbackIsRefused() {
    G4fException failure = refused(client(), local("localhost", "/cat.png"));

    assertThat(failure).hasMessageContaining("host localhost resolves to 127.0.0.1, a loopback address");
    assertThat(requested()).isEmpty();
  }

  @Test
  void aStreamedCallIsRefusedAlike() {
    G4fException failure = fail(client().chat().completions().stream(describe(local("127.0.0.1", "/cat.png"))));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("a loopback address");
    assertThat(requested()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[::1]                | is a loopback address",
      "[::ffff:127.0.0.1]   | is a loopback address",
      "[::ffff:7f00:1]      | is a loopback address",
      "[::127.0.0.1]        | is a loopback address (127.0.0.1)",
      "[64:ff9b::7f00:1]    | is a loopback address (127.0.0.1)",
      "[2002:7f00:1::]      | is a loopback address (127.0.0.1)",
      "2130706433           | resolves to 127.0.0.1, a loopback address",
      "0.0.0.0              | is an unspecified address",
      "[::]                 | is an unspecified address"})
  void loopbackInEveryNotationIsRefused(String host, String why) {
    G4fException failure = refused(client(), local(host, "/cat.png"));

    assertThat(failure).hasMessageContaining("host " + host + " " + why);
    assertThat(requested()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "169.254.169.254      | a link-local address",
      "[fe80::1]            | a link-local address",
      "10.0.0.1             | a private address",
      "172.16.5.4           | a private address",
      "192.168.1.1          | a private address",
      "[fd00:ec2::254]      | a private address",
      "100.100.100.200      | a shared (carrier-grade NAT) address",
      "224.0.0.1            | a multicast address"})
  void metadataAndPrivateAddressesAreRefusedWithoutConnecting(String host, String why) {
    G4fException failure = refused(client(), "http://" + host + "/latest/meta-data/");

    assertThat(failure).as("refused at once, not after a connect attempt (the connect timeout is 60 s)")
        .hasMessageContaining("host " + host + " is " + why);
  }

  @Test
  void aRedirectToALoopbackAddressIsRefusedAtThatHop() {
    G4fException failure = refused(client("localhost"), local("localhost", "/to-loopback"));

    assertThat(failure).hasMessageContaining("host 127.0.0.1 is a loopback address");
    assertThat(requested()).as("the allowed host was asked, the address it redirects to was not")
        .containsExactly("/to-loopback");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "localhost    | localhost",
      "127.0.0.0/8  | 127.0.0.1",
      "127.0.0.1    | 127.0.0.1"})
  void theAllowListLetsAPrivateHostThrough(String allowed, String host) {
    await(client(allowed).chat().completions().create(describe(local(host, "/cat.png"))));

    assertThat(requested()).containsExactly("/cat.png", "/api/chat");
    assertThat(server.received().get(0).headers().get("authorization")).isNull();
    assertThat(server.last().json().getJsonArray("messages").getJsonObject(0).getJsonArray("images"))
        .isEqualTo(new JsonArray().add(Base64.getEncoder().encodeToString(PNG)));
  }

  @Test
  void anHttpsUrlKeepsItsHostNameForTlsWhileConnectedToTheAddressChecked() {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    ScriptedServer secure = ScriptedServer.startTls(vertx, certificate).on(HttpMethod.GET, "/cat.png", request ->
        request.response().putHeader("content-type", "image/png").end(Buffer.buffer(PNG)));
    AsyncClient client = AsyncClient.create(vertx, new ClientOptions().setProvider("OllamaNative").setMaxRetries(0)
            .setTrustedCertificates(certificate.certificatePath()).setAllowedPrivateImageHosts(List.of("localhost")),
        ProviderRegistry.standard().register(new OllamaProvider("http://127.0.0.1:" + server.port())));
    clients.add(client);

    await(client.chat().completions().create(describe("https://localhost:" + secure.port() + "/cat.png")));

    assertThat(secure.last().headers().get("host")).isEqualTo("localhost:" + secure.port());
    assertThat(server.last().json().getJsonArray("messages").getJsonObject(0).getJsonArray("images"))
        .isEqualTo(new JsonArray().add(Base64.getEncoder().encodeToString(PNG)));
    secure.close();
    certificate.delete();
  }

  @Test
  void anAllowedHostDoesNotAllowAnother() {
    G4fException failure = refused(client("images.internal", "10.0.0.0/8"), local("127.0.0.1", "/cat.png"));

    assertThat(failure).hasMessageContaining("a loopback address");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/page.html | its content type is text/html, not an image",
      "/fake.png  | it is not a PNG, JPEG, GIF, WebP, BMP, TIFF, HEIC or AVIF image",
      "/huge.png  | it is larger than 20 MiB",
      "/loop      | it redirects more than 5 times",
      "/missing   | HTTP 404"})
  void aDownloadThatIsNoImageOrTooLargeIsA400(String path, String why) {
    G4fException failure = refused(client("localhost"), local("localhost", path));

    assertThat(failure).hasMessage("Cannot download the image from localhost: " + why);
    assertThat(requested()).doesNotContain("/api/chat");
  }
}
