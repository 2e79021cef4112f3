package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.provider.OpenAiProvider;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Errors that name their cause: an open circuit's last failure, a missing key, an unreachable proxy. */
@ExtendWith(VertxExtension.class)
class ErrorCausesTest {

  /** An environment variable no machine sets. */
  private static final String UNSET_VARIABLE = "G4F_TEST_KEY_NEVER_SET";

  private Vertx vertx;
  private ScriptedServer upstream;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx);
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private AsyncClient client(ClientOptions options) {
    ProviderRegistry registry = ProviderRegistry.standard().register(new OpenAiProvider("Keyed", upstream.baseUrl(),
        List.of("m"), UNSET_VARIABLE, Set.of(Capability.CHAT)));
    return AsyncClient.create(vertx, options.setMaxRetries(0), registry);
  }

  @Test
  void anOpenCircuitKeepsTheLastRealFailure() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 502, "application/json",
        "{\"error\":{\"message\":\"bad gateway upstream\"}}");
    AsyncClient client = client(new ClientOptions().setProvider("Keyed").setApiKey("k"));
    for (int i = 0; i < 5; i++) {
      fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));
    }

    G4fException skipped = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(skipped).hasMessageContaining("circuit open").hasMessageContaining("last failure: Keyed answered HTTP 502: bad gateway upstream");
    assertThat(skipped.getCause()).isInstanceOf(ProviderException.class);
  }

  @Test
  void aRefusedKeyWhenNoneWasSetSaysSoAndNamesTheVariable() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json",
        "{\"error\":{\"message\":\"Missing bearer token\",\"type\":\"invalid_request_error\"}}");

    G4fException failure = fail(client(new ClientOptions().setProvider("Keyed")).chat().completions()
        .create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Missing bearer token")
        .hasMessageContaining("no API key was set for Keyed")
        .hasMessageContaining("environment variable " + UNSET_VARIABLE);
    assertThat(failure.status()).isEqualTo(401);
  }

  @Test
  void aRefusedKeyThatWasSetIsReportedAsItIs() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json",
        "{\"error\":{\"message\":\"Incorrect API key\"}}");

    G4fException failure = fail(client(new ClientOptions().setProvider("Keyed").setApiKey("wrong-key")).chat()
        .completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(AuthenticationException.class).hasMessageContaining("Incorrect API key")
        .hasMessageNotContaining("no API key");
  }

  @Test
  void anUnreachableProxyIsNamedAsTheProxy() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    G4fException failure = fail(client(new ClientOptions().setProvider("Keyed").setApiKey("k")
        .setProxy("http://127.0.0.1:" + port)).chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ConnectionException.class)
        .hasMessageContaining("the proxy 127.0.0.1:" + port + " is unreachable");
    assertThat(upstream.received()).isEmpty();
  }
}
