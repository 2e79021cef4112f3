package io.g4f.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** EventBusClientOptions: defaults, JSON both ways, copies, and refused values. */
class EventBusClientOptionsTest {

  @Test
  void defaultsMatchTheGateway() {
    EventBusClientOptions options = new EventBusClientOptions();

    assertThat(options.getAddressPrefix()).isEqualTo("g4f");
    assertThat(options.getTimeout()).isEqualTo(30_000);
    assertThat(options.getCredits()).isEqualTo(16);
  }

  @Test
  void jsonRoundTripsAndCopiesAreIndependent() {
    EventBusClientOptions options = new EventBusClientOptions(new JsonObject()
        .put("addressPrefix", "ai").put("timeout", 5_000).put("credits", 4));
    EventBusClientOptions copy = new EventBusClientOptions(options).setCredits(8);

    assertThat(options.toJson()).isEqualTo(new JsonObject().put("addressPrefix", "ai").put("timeout", 5_000L)
        .put("credits", 4));
    assertThat(new EventBusClientOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(copy.getCredits()).isEqualTo(8);
    assertThat(options.getCredits()).isEqualTo(4);
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> new EventBusClientOptions().setAddressPrefix("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EventBusClientOptions().setTimeout(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EventBusClientOptions().setCredits(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EventBusClientOptions(new JsonObject().put("credits", -1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
