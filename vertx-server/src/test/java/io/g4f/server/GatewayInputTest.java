package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed request bodies get a 400 in OpenAI's error shape naming the field, never a 500 or a call upstream. */
@ExtendWith(VertxExtension.class)
class GatewayInputTest {

  private ScriptedServer upstream;
  private WebClient http;
  private int port;
  private int tcpPort;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    tcpPort = BridgeFrames.freePort();
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setTcpBridgePort(tcpPort).addProvider("local",
        new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1")));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[null]}                                   | messages[0]",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[\"hi\"]}                                 | messages[0]",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":{\"role\":\"user\"}}                      | messages",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":42}                                       | messages",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[{\"role\":null,\"content\":\"hi\"}]}     | messages[0].role",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[{\"role\":7,\"content\":\"hi\"}]}        | messages[0].role",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":[null]}]} | messages[0].content[0]",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":{\"a\":1}}]} | messages[0].content",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":5}]}      | messages[0].content",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":null}]}]} | messages[0].content[0].image_url",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"tool_calls\":[null]}]} | messages[0].tool_calls[0]",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"stop\":[null]}                   | stop[0]",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"stop\":[1]}                      | stop[0]",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"tools\":[null]}                  | tools[0]",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"tools\":[{\"type\":\"function\",\"function\":null}]} | tools[0].function",
      "/v1/chat/completions | {\"model\":[\"m1\"],\"messages\":\"hi\"}                                 | model",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"temperature\":\"hot\"}            | temperature",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"stream\":[true]}                 | stream",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"stream_options\":[null]}         | stream_options",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"response_format\":\"json\"}       | response_format",
      "/v1/chat/completions | {\"model\":\"m1\",\"messages\":\"hi\",\"provider\":{}}                   | provider",
      "/v1/images/generations | {\"prompt\":null}                                                       | prompt",
      "/v1/images/generations | {\"prompt\":[\"a cat\"]}                                                 | prompt",
      "/v1/images/generations | {\"prompt\":\"a cat\",\"n\":\"two\"}                                     | n",
      "/v1/images/generations | {\"prompt\":\"a cat\",\"size\":[null]}                                  | size",
      "/v1/images/generations | {\"prompt\":\"a cat\",\"model\":{}}                                      | model",
  })
  void aMalformedFieldIsA400NamingIt(String path, String body, String param) {
    HttpResponse<Buffer> response = await(http.post(port, "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("param")).isEqualTo(param);
    assertThat(error.getString("message")).contains(param).doesNotContain("com.fasterxml", "Exception");
    assertThat(upstream.received()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"'\"3000\"'", "'\"soon\"'", "-5", "true"})
  void aBadTimeoutHeaderOverTheTcpBridgeIsAnErrorReplyNamingIt(String timeout, Vertx vertx) throws Exception {
    try (BridgeFrames frames = BridgeFrames.tcp(vertx, tcpPort)) {
      JsonObject answer = frames.write(new JsonObject().put("type", "send").put("address", "g4f.chat.completions")
          .put("replyAddress", "r1").put("body", new JsonObject().put("model", "m1").put("messages", "hi"))
          .put("headers", new JsonObject().put("timeout", io.vertx.core.json.Json.decodeValue(timeout)))).next();

      assertThat(answer.getString("type")).as(answer.encode()).isIn("message", "err");
      assertThat(answer.getInteger("failureCode")).as(answer.encode()).isEqualTo(400);
      JsonObject error = new JsonObject(answer.getString("message")).getJsonObject("error");
      assertThat(error.getString("param")).isEqualTo("timeout");
    }
  }

  @Test
  void anUpstreamsMalformedJsonIsA502WithACleanMessage() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 200, "application/json", "{\"id\":\"c\",\"choices\":[{\"index\":");

    HttpResponse<Buffer> response = await(http.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"model\":\"m1\",\"messages\":\"hi\"}")));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(502);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("message")).doesNotContain("com.fasterxml", "Exception", "jackson");
  }
}
