package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.CallOptions;
import io.g4f.client.ClientOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.Model;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The event-bus client's models and per-call settings: what the gateway can honour travels, the rest is refused. */
@ExtendWith(VertxExtension.class)
class EventBusClientCallSettingsTest {

  private ScriptedServer a;
  private ScriptedServer b;
  private EventBusAsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    a = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    b = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions")
        .reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json",
            "{\"created\":1,\"data\":[{\"b64_json\":\"iVBORw0KGgo=\"}]}");
    await(vertx.deployVerticle(new GatewayVerticle(new GatewayOptions().setPort(0)
        .addProvider("a", new ClientOptions().setBaseUrl(a.baseUrl()).setMaxRetries(0), List.of("m1"))
        .addProvider("b", new ClientOptions().setBaseUrl(b.baseUrl()).setMaxRetries(0), List.of("m2")))));
    client = EventBusAsyncClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    a.close();
    b.close();
  }

  @Test
  void modelsAreTheGatewaysWithTheirProviders() {
    List<Model> models = await(client.models().list());

    assertThat(models).extracting(Model::getId).containsExactly("m1", "m2");
    assertThat(models).extracting(Model::getOwnedBy).containsExactly("a", "b");
  }

  @Test
  void theRequestsProviderPicksTheGatewaysProvider() {
    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m1", "hi"),
        new CallOptions().setProvider("B")));

    assertThat(completion.getChoices()).hasSize(1);
    assertThat(a.received()).isEmpty();
    assertThat(b.last().json().getString("model")).isEqualTo("m1");
    assertThat(b.last().json().fieldNames()).doesNotContain("provider");
  }

  @Test
  void imagesGoToTheNamedProviderToo() {
    await(client.images().generate(ImageGenerationRequest.of("img", "a cat"), new CallOptions().setProvider("b")));

    assertThat(b.last().uri()).isEqualTo("/v1/images/generations");
  }
}
