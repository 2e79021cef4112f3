package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.provider.OpenAiProvider;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Routing by model: lists narrowed to the providers that serve it, aliases, the "Any" provider, listing models. */
@ExtendWith(VertxExtension.class)
class ModelRoutingTest {

  private static final String TRANSCRIPT = resource("transcripts/openai-chat-stream.txt");
  /** An environment variable no machine sets, so the provider needing it has no key. */
  private static final String UNSET_KEY = "G4F_TEST_KEY_THAT_IS_NEVER_SET";

  private Vertx vertx;
  private ScriptedServer keyed;
  private ScriptedServer keyless;
  private ScriptedServer locked;
  private ProviderRegistry registry;

  /** A provider whose model "fast" is known to it as "fast-2024". */
  private static final class Aliased extends OpenAiProvider {

    Aliased(String baseUrl) {
      super("Keyless", baseUrl, List.of("small", "shared"), null, Set.of(Capability.CHAT, Capability.IMAGES));
    }

    @Override
    public Map<String, String> aliases() {
      return Map.of("fast", "fast-2024");
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    keyed = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    keyless = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    locked = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    registry = ProviderRegistry.empty()
        .register(new OpenAiProvider("Keyed", keyed.baseUrl(), List.of("big", "shared"), "KEYED_API_KEY",
            Set.of(Capability.CHAT)))
        .register(new Aliased(keyless.baseUrl()))
        .register(new OpenAiProvider("Locked", locked.baseUrl(), List.of("big", "secret"), UNSET_KEY,
            Set.of(Capability.CHAT)));
  }

  @AfterEach
  void tearDown() {
    keyed.close();
    keyless.close();
    locked.close();
  }

  private AsyncClient client(ClientOptions options) {
    return AsyncClient.create(vertx, options.setMaxRetries(0), registry);
  }

  private ChatCompletion ask(AsyncClient client, String model) {
    return await(client.chat().completions().create(new ChatCompletionRequest().setModel(model).addUserMessage("hi")));
  }

  @Test
  void aListSendsAModelToTheProvidersThatServeIt() {
    AsyncClient client = client(new ClientOptions().setProvider("Keyed Keyless").putApiKey("Keyed", "k"));

    assertThat(ask(client, "small").getProvider()).isEqualTo("Keyless");
    assertThat(keyed.received()).isEmpty();
    assertThat(ask(client, "big").getProvider()).isEqualTo("Keyed");
    assertThat(ask(client, "unlisted").getProvider()).as("a model nobody lists: the list in order").isEqualTo("Keyed");
  }

  @Test
  void aModelServedByManyFallsBackAmongThemOnly() {
    keyed.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":{\"message\":\"x\"}}");
    AsyncClient client = client(new ClientOptions().setProvider("Locked Keyed Keyless").putApiKey("Keyed", "k")
        .putApiKey("Locked", "l"));

    assertThat(ask(client, "shared").getProvider()).isEqualTo("Keyless");
    assertThat(locked.received()).as("Locked does not list 'shared'").isEmpty();
    assertThat(keyed.received()).hasSize(1);
  }

  @Test
  void anAliasIsSentAsTheProvidersModelName() {
    ask(client(new ClientOptions().setProvider("Keyless")), "fast");

    assertThat(keyless.last().json().getString("model")).isEqualTo("fast-2024");
  }

  @Test
  void anyRoutesByModelToProvidersThatHaveTheirKey() {
    AsyncClient client = client(new ClientOptions().setProvider("Any").putApiKey("Keyed", "k"));

    assertThat(ask(client, "big").getProvider()).as("Locked serves it too, but has no key").isEqualTo("Keyed");
    assertThat(keyed.last().headers().get("authorization")).isEqualTo("Bearer k");
    assertThat(ask(client, "fast").getProvider()).isEqualTo("Keyless");
    assertThat(locked.received()).isEmpty();
  }

  @Test
  void anyNeverSendsTheClientKeyToAnArbitraryProvider() {
    ask(client(new ClientOptions().setProvider("AnyProvider").setApiKey("client-key")), "small");

    assertThat(keyless.last().headers().get("authorization")).isNull();
  }

  @Test
  void anyFailsClearlyWhenNoProviderWithAKeyServesTheModel() {
    G4fException failure = fail(client(new ClientOptions().setProvider("any")).chat().completions()
        .create(new ChatCompletionRequest().setModel("secret").addUserMessage("hi")));

    assertThat(failure).isInstanceOf(ModelNotFoundException.class).hasMessageContaining("'secret'");
    assertThat(failure.status()).isEqualTo(404);
  }

  @Test
  void anyFallsBackAcrossEveryProviderThatServesTheModel() {
    keyed.reply(HttpMethod.POST, "/v1/chat/completions", 500, "application/json", "{\"error\":{\"message\":\"x\"}}");
    AsyncClient client = client(new ClientOptions().setProvider("Any").putApiKey("Keyed", "k"));

    assertThat(ask(client, "shared").getProvider()).isEqualTo("Keyless");
  }

  @Test
  void modelsListEachModelAndAliasOnceWithItsProvider() {
    List<Model> models = await(client(new ClientOptions().setProvider("Keyed Keyless")).models().list());

    assertThat(models).extracting(Model::getId).containsExactly("big", "shared", "small", "fast");
    assertThat(models).extracting(Model::getOwnedBy).containsExactly("Keyed", "Keyed", "Keyless", "Keyless");
    assertThat(models.get(0).getObject()).isEqualTo("model");
  }

  @Test
  void anyListsTheModelsOfProvidersThatHaveTheirKey() {
    List<Model> models = await(client(new ClientOptions().setProvider("Any").setImageProvider("Any"))
        .models().list());

    assertThat(models).extracting(Model::getOwnedBy).containsOnly("Keyless");
  }
}
