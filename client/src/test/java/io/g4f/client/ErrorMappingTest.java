package io.g4f.client;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.testing.RefusingPort;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every upstream status and error body maps to its exception, with status, provider and retryability. */
@ExtendWith(VertxExtension.class)
class ErrorMappingTest {

  private static final String KEY = "sk-test-secret-0123456789";

  private Vertx vertx;
  private ScriptedServer upstream;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx);
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey(KEY)
        .setMaxRetries(0));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  @ParameterizedTest(name = "HTTP {0} ({2}) -> {3}")
  @CsvSource({
      "400, invalid_request_error, , InvalidRequestException, false",
      "401, invalid_request_error, invalid_api_key, AuthenticationException, false",
      "403, permission_error, , AuthenticationException, false",
      "404, invalid_request_error, model_not_found, ModelNotFoundException, false",
      "408, timeout, , RequestTimeoutException, true",
      "409, conflict, , ProviderException, true",
      "413, invalid_request_error, , InvalidRequestException, false",
      "422, invalid_request_error, , InvalidRequestException, false",
      "429, requests, rate_limit_exceeded, RateLimitException, true",
      "429, insufficient_quota, insufficient_quota, RateLimitException, false",
      "500, server_error, , ProviderException, true",
      "502, server_error, , ProviderException, true",
      "503, server_error, , ProviderException, true",
      "504, server_error, , ProviderException, true",
      "418, teapot, , ProviderException, false",
  })
  void statusMapsToException(int status, String type, String code, String exception, boolean retryable) {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", status, "application/json",
        "{\"error\":{\"message\":\"Upstream says no\",\"type\":\"" + type + "\",\"param\":\"model\",\"code\":"
            + (code == null ? "null" : "\"" + code + "\"") + "}}");

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("gpt-x", "hi")));

    assertThat(failure.getClass().getSimpleName()).isEqualTo(exception);
    assertThat(failure.status()).isEqualTo(status);
    assertThat(failure.provider()).isEqualTo("OpenAI");
    assertThat(failure.retryable()).isEqualTo(retryable);
    assertThat(failure.type()).isEqualTo(type);
    assertThat(failure.code()).isEqualTo(code);
    assertThat(failure.param()).isEqualTo("model");
    assertThat(failure).hasMessage("OpenAI answered HTTP " + status + ": Upstream says no");
  }

  @Test
  void aNotFoundThatIsNotAboutTheModelIsAProviderError() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 404, "text/plain", "Not Found");

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ProviderException.class).hasMessage("OpenAI answered HTTP 404: Not Found");
    assertThat(failure.retryable()).isFalse();
  }

  @Test
  void nonJsonErrorBodiesAreQuotedShortly() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 502, "text/html", "<html>" + "x".repeat(2000) + "</html>");

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ProviderException.class);
    assertThat(failure.getMessage()).startsWith("OpenAI answered HTTP 502: <html>xxx").endsWith("...")
        .hasSizeLessThan(600);
  }

  @Test
  void theKeyIsMaskedWhereAProviderEchoesIt() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json",
        "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"type\":\"invalid_request_error\"}}");

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(AuthenticationException.class);
    assertThat(failure.getMessage()).doesNotContain(KEY).contains("Incorrect API key provided: ***");
  }

  @Test
  void anErrorEventMidStreamFailsTheStreamAfterTheChunksBeforeIt() throws Exception {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
            + "data: {\"error\":{\"message\":\"The server had an error while processing your request\","
            + "\"type\":\"server_error\",\"code\":null}}\n\n");
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    StringBuilder text = new StringBuilder();
    stream.exceptionHandler(failed::complete);
    stream.endHandler(v -> failed.complete(null));
    stream.handler(chunk -> text.append(chunk.getChoices().get(0).getDelta().getContent()));

    Throwable failure = failed.get(10, TimeUnit.SECONDS);
    assertThat(text).hasToString("Hi");
    assertThat(failure).isInstanceOf(ProviderException.class)
        .hasMessage("OpenAI failed mid-stream: The server had an error while processing your request");
    assertThat(((G4fException) failure).type()).isEqualTo("server_error");
  }

  @Test
  void aMalformedChunkIsAProviderError() {
    upstream.sse("/v1/chat/completions", "data: {not json\n\n");

    G4fException failure = fail(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(failure).isInstanceOf(ProviderException.class).hasMessageStartingWith("OpenAI sent a malformed event");
  }

  @Test
  void aMalformedWholeAnswerIsAProviderError() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 200, "application/json", "{\"choices\": [tru");

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("OpenAI sent a malformed completion");
  }

  @Test
  void aRefusedConnectionIsAConnectionError() {
    try (RefusingPort refusing = new RefusingPort()) {
      AsyncClient offline = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(refusing.baseUrl())
          .setMaxRetries(0));

      G4fException failure = fail(offline.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

      assertThat(failure).isInstanceOf(ConnectionException.class).hasMessageContaining("could not be reached");
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.status()).isZero();
    }
  }

  @Test
  void aConnectionDroppedMidStreamIsAConnectionError() {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream")
          .write("data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[]}\n\n");
      vertx.setTimer(50, id -> request.connection().close());
    });

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ConnectionException.class).hasMessageContaining("closed the connection");
  }

  @Test
  void anUnknownProviderNamesTheKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            AsyncClient.create(vertx, new ClientOptions().setProvider("Nope")))
        .isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("Nope").hasMessageContaining("OpenAI");
  }

  static G4fException fail(Future<?> future) {
    Throwable failure = await(future.transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(failure).as("the call must fail").isInstanceOf(G4fException.class);
    return (G4fException) failure;
  }
}
