package io.g4f.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatMessage;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timeouts in ms or as a {@link Duration}, circuit breaker settings, and the {@code text()} helpers of answers and chunks. */
class ClientOptionsTest {

  @Test
  void timeoutsTakeMillisOrADuration() {
    ClientOptions options = new ClientOptions().setConnectTimeout(1000).setIdleTimeout(Duration.ofSeconds(2))
        .setTotalTimeout(Duration.ofMinutes(1));

    assertThat(options.getConnectTimeout()).isEqualTo(1000);
    assertThat(options.getIdleTimeout()).isEqualTo(2000);
    assertThat(options.getTotalTimeout()).isEqualTo(60_000);
    assertThat(new ClientOptions().setConnectTimeout(Duration.ofMillis(1500)).getConnectTimeout()).isEqualTo(1500);
    assertThatThrownBy(() -> new ClientOptions().setTotalTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalTimeout");
    assertThat(new EventBusClientOptions().setTimeout(Duration.ofSeconds(3)).getTimeout()).isEqualTo(3000);
  }

  @Test
  void circuitBreakerSettingsGoInAndOutAsJsonAndAreChecked() {
    ClientOptions options = new ClientOptions(new JsonObject()
        .put("circuitBreakerFailures", 0).put("circuitBreakerResetTimeout", 5000));

    assertThat(options.getCircuitBreakerFailures()).isZero();
    assertThat(options.getCircuitBreakerResetTimeout()).isEqualTo(5000);
    assertThat(new ClientOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(new ClientOptions().getCircuitBreakerFailures()).isEqualTo(ClientOptions.DEFAULT_CIRCUIT_BREAKER_FAILURES);
    assertThatThrownBy(() -> new ClientOptions(new JsonObject().put("circuitBreakerResetTimeout", 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("circuitBreakerResetTimeout");
    assertThatThrownBy(() -> new ClientOptions().setCircuitBreakerFailures(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("circuitBreakerFailures");
  }

  @Test
  void textIsTheFirstChoicesContentOrEmpty() {
    ChatCompletion completion = new ChatCompletion().setChoices(List.of(
        new ChatCompletion.Choice().setMessage(ChatMessage.assistant("first")),
        new ChatCompletion.Choice().setMessage(ChatMessage.assistant("second"))));
    ChatCompletionChunk chunk = new ChatCompletionChunk().setChoices(List.of(
        new ChatCompletionChunk.Choice().setDelta(ChatMessage.assistant("tok"))));

    assertThat(completion.text()).isEqualTo("first");
    assertThat(chunk.text()).isEqualTo("tok");
    assertThat(new ChatCompletion().text()).isEmpty();
    assertThat(new ChatCompletionChunk().text()).as("the usage chunk has no choices").isEmpty();
    assertThat(new ChatCompletionChunk().setChoices(List.of(new ChatCompletionChunk.Choice())).text())
        .as("a delta without content").isEmpty();
    assertThat(new ChatCompletion().setChoices(List.of(new ChatCompletion.Choice())).text()).isEmpty();
  }
}
