package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.impl.DefaultAsyncClient;
import io.g4f.client.impl.Retry;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.client.testing.VirtualTimer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Named provider entries in {@link ClientOptions} (the gateway config's shape): two OpenAI-compatible servers at
 * different addresses without the SPI, each with its key and models; and the fallback policy for a server that
 * refuses the connection (the next one at once, no retries on it).
 */
@ExtendWith(VertxExtension.class)
class ProviderEntriesTest {

  private Vertx vertx;
  private ScriptedServer a;
  private ScriptedServer b;
  private final VirtualTimer timer = new VirtualTimer();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    a = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    b = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
  }

  /** A client whose retries (2 of them) wait on {@link #timer}, so the waits are counted and cost no time. */
  private AsyncClient client(ClientOptions options) {
    return new DefaultAsyncClient(vertx, options.setMaxRetries(2), ProviderRegistry.standard(),
        new Retry(Retry.EXPONENTIAL, timer));
  }

  private JsonObject config(String firstBaseUrl) {
    return new JsonObject("""
        {"providers": [
          {"name": "first",  "type": "openai", "baseUrl": "%s",  "apiKey": "key-a", "models": ["model-a"]},
          {"name": "second", "type": "openai", "baseUrl": "%s", "apiKey": "key-b", "models": ["model-b", "model-c"]}
        ]}""".formatted(firstBaseUrl, b.baseUrl()));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void theGatewayConfigShapeReadsAndWritesBack() {
    JsonObject json = config(a.baseUrl()).put("maxRetries", 1);

    ClientOptions options = new ClientOptions(json);

    assertThat(options.getProviders()).extracting(ProviderEntry::getName).containsExactly("first", "second");
    assertThat(options.getProvider()).as("unset: the entries in order").isEqualTo("first second");
    assertThat(options.toJson().getJsonArray("providers")).isEqualTo(json.getJsonArray("providers"));
    assertThat(new ClientOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(new ClientOptions().toJson().containsKey("providers")).isFalse();
    assertThatThrownBy(() -> new ClientOptions(new JsonObject("{\"providers\":[{\"name\":\"x\",\"typ\":\"openai\"}]}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("providers[0]").hasMessageContaining("typ");
  }

  @Test
  void theNextEntryAnswersWithItsOwnAddressKeyAndModel() {
    a.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":{\"message\":\"down\"}}");

    ChatCompletion completion = await(client(new ClientOptions(config(a.baseUrl()))).chat().completions()
        .create(new ChatCompletionRequest().addUserMessage("hi")));

    assertThat(completion.getProvider()).isEqualTo("second");
    assertThat(a.received()).as("a 503 is retried before the fallback").hasSize(3);
    assertThat(a.last().headers().get("authorization")).isEqualTo("Bearer key-a");
    assertThat(a.last().json().getString("model")).isEqualTo("model-a");
    assertThat(b.last().headers().get("authorization")).as("the second entry's own key").isEqualTo("Bearer key-b");
    assertThat(b.last().json().getString("model")).as("the second entry's first model").isEqualTo("model-b");
  }

  @Test
  void aRequestForAModelGoesToTheEntryThatListsIt() {
    AsyncClient client = client(new ClientOptions(config(a.baseUrl())));

    assertThat(await(client.chat().completions().create(ChatCompletionRequest.of("model-c", "hi"))).getProvider())
        .isEqualTo("second");
    assertThat(await(client.chat().completions().create(ChatCompletionRequest.of("model-a", "hi"))).getProvider())
        .isEqualTo("first");
    assertThat(a.received()).hasSize(1);
    assertThat(b.received()).hasSize(1);
    assertThat(b.last().json().getString("model")).isEqualTo("model-c");
  }

  @Test
  void aRefusedConnectionMovesToTheNextEntryAtOnce() throws IOException {
    AsyncClient client = client(new ClientOptions(config("http://127.0.0.1:" + closedPort() + "/v1")));

    ChatCompletion completion = await(client.chat().completions()
        .create(new ChatCompletionRequest().addUserMessage("hi")));

    assertThat(completion.getProvider()).isEqualTo("second");
    assertThat(timer.waits()).as("no backoff on a provider that refused the connection").isEmpty();
  }

  @Test
  void aRefusedConnectionIsRetriedWhenNoOtherProviderFollows() throws IOException {
    AsyncClient client = client(new ClientOptions().addProvider(new ProviderEntry("only", ProviderEntry.OPENAI)
        .setBaseUrl("http://127.0.0.1:" + closedPort() + "/v1")));

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ConnectionException.class).hasMessageContaining("only could not be reached");
    assertThat(timer.waits()).hasSize(2);
  }

  @Test
  void setProviderSelectsEntriesAndRegistryProvidersByName() {
    ClientOptions options = new ClientOptions(config(a.baseUrl())).setProvider("SECOND");

    assertThat(await(client(options).chat().completions().create(ChatCompletionRequest.of("model-a", "hi")))
        .getProvider()).isEqualTo("second");
    assertThat(a.received()).isEmpty();
    assertThatThrownBy(() -> client(new ClientOptions().addProvider(new ProviderEntry("x", "NoSuchType"))))
        .isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("Provider entry 'x'");
  }

  @Test
  void anEntryWithABaseUrlNeverGetsItsTypesEnvironmentKey() {
    ClientOptions options = new ClientOptions()
        .addProvider(new ProviderEntry("local", ProviderEntry.OPENAI).setBaseUrl(a.baseUrl()));

    await(client(options).chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(a.last().headers().get("authorization")).isNull();
    assertThat(List.of(options.getProviders().get(0).toJson().fieldNames().toArray()))
        .containsExactly("name", "type", "baseUrl");
  }
}
