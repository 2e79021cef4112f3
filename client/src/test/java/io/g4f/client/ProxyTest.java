package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.client.testing.TestProxy;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proxies from the client's options or from a request: HTTP with Basic auth, and SOCKS5. */
@ExtendWith(VertxExtension.class)
class ProxyTest {

  private Vertx vertx;
  private ScriptedServer upstream;
  private TestProxy proxy;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions")
        .reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json",
            "{\"created\":1,\"data\":[{\"url\":\"https://example.com/cat.png\"}]}");
    proxy = TestProxy.start(vertx, "user", "p@ss:word");
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    upstream.close();
  }

  private AsyncClient client(String proxyUri) {
    return AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0)
        .setProxy(proxyUri));
  }

  private String httpProxy(String credentials) {
    return "http://" + credentials + "@127.0.0.1:" + proxy.port();
  }

  private String upstreamAddress() {
    return "127.0.0.1:" + upstream.port();
  }

  @Test
  void aClientLevelHttpProxyCarriesTheCallWithItsCredentials() {
    AsyncClient client = client(httpProxy("user:p%40ss%3Aword"));

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(proxy.targets()).containsExactly(upstreamAddress());
    assertThat(proxy.connectTargets()).as("plain http is forwarded, not tunnelled").isEmpty();
    assertThat(proxy.credentials()).containsExactly("user:p@ss:word");
    assertThat(upstream.received()).hasSize(1);
    await(client.close());
  }

  @Test
  void anHttpsProviderIsReachedThroughAConnectTunnel() {
    io.vertx.core.net.SelfSignedCertificate certificate = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    ScriptedServer secure = ScriptedServer.startTls(vertx, certificate)
        .openAiChat("/v1/chat/completions");
    AsyncClient client = AsyncClient.create(vertx, new ClientOptions().setMaxRetries(0)
        .setBaseUrl("https://localhost:" + secure.port() + "/v1")
        .setTrustedCertificates(certificate.certificatePath())
        .setProxy(httpProxy("user:p%40ss%3Aword")));

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(proxy.connectTargets()).containsExactly("localhost:" + secure.port());
    assertThat(proxy.credentials()).containsExactly("user:p@ss:word");
    await(client.close());
    secure.close();
    certificate.delete();
  }

  @Test
  void aStreamFlowsThroughTheProxy() {
    AsyncClient client = client(httpProxy("user:p%40ss%3Aword"));

    List<ChatCompletionChunk> chunks = await(await(client.chat().completions().stream(
        ChatCompletionRequest.of("m", "hi"))).collect(Collectors.toList()));

    assertThat(chunks).hasSize(6);
    assertThat(proxy.targets()).containsExactly(upstreamAddress());
    await(client.close());
  }

  @Test
  void wrongProxyCredentialsFailClearlyWithoutThePassword() {
    AsyncClient client = client(httpProxy("user:wrong-secret"));

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(AuthenticationException.class);
    assertThat(failure.status()).isEqualTo(407);
    assertThat(failure.retryable()).isFalse();
    assertThat(failure.getMessage()).contains("proxy").contains("407").doesNotContain("wrong-secret");
    assertThat(upstream.received()).isEmpty();
    await(client.close());
  }

  @Test
  void aRequestProxyOverridesTheClientProxy() {
    AsyncClient client = client("http://127.0.0.1:1");

    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi"),
        new DirectCallOptions().setProxy(httpProxy("user:p%40ss%3Aword"))));

    assertThat(proxy.targets()).containsExactly(upstreamAddress());
    await(client.close());
  }

  @Test
  void socks5WithUsernameAndPassword() {
    AsyncClient client = client("socks5://user:p%40ss%3Aword@127.0.0.1:" + proxy.port());

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(proxy.targets()).containsExactly(upstreamAddress());
    assertThat(proxy.credentials()).containsExactly("user:p@ss:word");
    await(client.close());
  }

  @Test
  void imagesUseTheRequestProxy() {
    AsyncClient client = client(null);

    ImagesResponse images = await(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat"),
        new DirectCallOptions().setProxy(httpProxy("user:p%40ss%3Aword"))));

    assertThat(images.getData().get(0).getUrl()).isEqualTo("https://example.com/cat.png");
    assertThat(proxy.targets()).containsExactly(upstreamAddress());
    await(client.close());
  }

  @Test
  void anUnreachableProxyIsARetryableConnectionError() {
    AsyncClient client = client("http://127.0.0.1:1");

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ConnectionException.class);
    assertThat(failure.retryable()).isTrue();
    await(client.close());
  }

  @Test
  void aMalformedRequestProxyIsAnInvalidRequest() {
    AsyncClient client = client(null);

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi"),
        new DirectCallOptions().setProxy("ftp://user:hidden@host")));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(failure.param()).isEqualTo("proxy");
    assertThat(failure.getMessage()).doesNotContain("hidden");
    await(client.close());
  }
}
