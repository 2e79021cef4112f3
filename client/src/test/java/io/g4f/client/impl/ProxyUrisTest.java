package io.g4f.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyUrisTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "http://proxy.local,            HTTP,   proxy.local, 80",
      "http://proxy.local:3128,       HTTP,   proxy.local, 3128",
      "https://proxy.local,           HTTP,   proxy.local, 443",
      "HTTPS://proxy.local:8443,      HTTP,   proxy.local, 8443",
      "socks5://127.0.0.1,            SOCKS5, 127.0.0.1,   1080",
      "socks5h://127.0.0.1:9050,      SOCKS5, 127.0.0.1,   9050",
      "socks4://10.0.0.1,             SOCKS4, 10.0.0.1,    1080",
  })
  void schemesAndDefaultPorts(String uri, ProxyType type, String host, int port) {
    ProxyOptions options = ProxyUris.parse(uri);

    assertThat(options.getType()).isEqualTo(type);
    assertThat(options.getHost()).isEqualTo(host);
    assertThat(options.getPort()).isEqualTo(port);
    assertThat(options.getUsername()).isNull();
  }

  @Test
  void credentialsArePercentDecoded() {
    ProxyOptions options = ProxyUris.parse("http://us%20er:p%40ss%3Aw+rd@host:1");

    assertThat(options.getUsername()).isEqualTo("us er");
    assertThat(options.getPassword()).isEqualTo("p@ss:w+rd");
  }

  @Test
  void aUserWithoutPassword() {
    ProxyOptions options = ProxyUris.parse("socks5://alice@host:1");

    assertThat(options.getUsername()).isEqualTo("alice");
    assertThat(options.getPassword()).as("an empty password, so Vert.x still authenticates").isEmpty();
  }

  @Test
  void blankMeansNoProxy() {
    assertThat(ProxyUris.parse(null)).isNull();
    assertThat(ProxyUris.parse("  ")).isNull();
  }

  @Test
  void invalidUrisAreRejectedWithoutRepeatingThem() {
    assertThatThrownBy(() -> ProxyUris.parse("ftp://u:secret1@host")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp").hasMessageNotContaining("secret1");
    assertThatThrownBy(() -> ProxyUris.parse("http://u:secret2@")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret2");
    assertThatThrownBy(() -> ProxyUris.parse("http://u:secret3@ho st:1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret3");
    assertThatThrownBy(() -> ProxyUris.parse("host:3128")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProxyUris.parse("user:secret4@host:8080")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no scheme").hasMessageNotContaining("secret4").hasMessageNotContaining("user");
  }

  @Test
  void anInvalidClientProxyFailsAtCreation() {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      assertThatThrownBy(() -> io.g4f.client.AsyncClient.create(vertx,
          new io.g4f.client.ClientOptions().setProxy("gopher://x")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gopher");
    } finally {
      vertx.close();
    }
  }
}
