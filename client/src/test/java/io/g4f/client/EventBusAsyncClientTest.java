package io.g4f.client;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.images.ImageGenerationRequest;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event-bus client's own failures, without a gateway: none on the address, or one that never
 * answers. (Everything a gateway answers is in the server module's AsyncClientContractTest.)
 */
@ExtendWith(VertxExtension.class)
class EventBusAsyncClientTest {

  @Test
  void noGatewayOnTheAddressIsAConnectionException(Vertx vertx) {
    EventBusAsyncClient client = EventBusAsyncClient.create(vertx);

    assertThatThrownBy(() -> await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi"))))
        .isExactlyInstanceOf(ConnectionException.class).hasMessageContaining("g4f.chat.completions");
    assertThatThrownBy(() -> await(client.images().generate(ImageGenerationRequest.of("m", "a cat"))))
        .isExactlyInstanceOf(ConnectionException.class).hasMessageContaining("g4f.images.generate");
  }

  @Test
  void aGatewayThatNeverAnswersIsATimeout(Vertx vertx) {
    vertx.eventBus().consumer("silent.chat.completions", message -> { });
    EventBusAsyncClient client = EventBusAsyncClient.create(vertx,
        new EventBusClientOptions().setAddressPrefix("silent").setTimeout(200));

    assertThatThrownBy(() -> await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi"))))
        .isExactlyInstanceOf(RequestTimeoutException.class);
  }
}
