package io.g4f.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ImageInput;
import io.g4f.client.chat.Tool;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON shapes: OpenAI's names, unknown fields kept, string or part content, string messages, options. */
class DataTypesTest {

  @Test
  void requestsRoundTripUnknownFields() {
    String json = """
        {"model":"gpt-4o","messages":[{"role":"user","content":"hi","x_note":1}],"temperature":0.5,
         "top_p":0.9,"max_tokens":10,"n":2,"seed":1,"user":"u1","stop":"END",
         "response_format":{"type":"json_object"},"stream_options":{"include_usage":true},
         "tool_choice":{"type":"function","function":{"name":"f"}},
         "metadata":{"a":"b"},"reasoning_effort":"low"}""";

    ChatCompletionRequest request = Json.decode(json, ChatCompletionRequest.class);

    assertThat(request.getStop()).containsExactly("END");
    assertThat(request.getTopP()).isEqualTo(0.9);
    assertThat(request.getExtra()).containsOnlyKeys("metadata", "reasoning_effort");
    assertThat(request.getMessages().get(0).getExtra()).containsEntry("x_note", 1);
    JsonObject written = new JsonObject(Json.encode(request));
    JsonObject expected = new JsonObject(json).put("stop", new io.vertx.core.json.JsonArray().add("END"));
    assertThat(written).isEqualTo(expected);
  }

  @Test
  void aStringMessagesFieldIsOneUserMessage() {
    ChatCompletionRequest request = Json.decode("{\"model\":\"m\",\"messages\":\"say this is a test\"}",
        ChatCompletionRequest.class);

    assertThat(request.getMessages()).hasSize(1);
    assertThat(request.getMessages().get(0).getRole()).isEqualTo("user");
    assertThat(request.getMessages().get(0).getContent()).isEqualTo("say this is a test");
  }

  @Test
  void contentIsTextOrParts() {
    ChatMessage parts = Json.decode("""
        {"role":"user","content":[{"type":"text","text":"What is "},{"type":"text","text":"this?"},
         {"type":"image_url","image_url":{"url":"https://x/y.png","detail":"high"}},
         {"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}""", ChatMessage.class);

    assertThat(parts.getContent()).isEqualTo("What is this?");
    assertThat(parts.getContentParts()).hasSize(4);
    assertThat(parts.getContentParts().get(2).getImageUrl().getDetail()).isEqualTo("high");
    assertThat(parts.getContentParts().get(3).getExtra()).containsKey("input_audio");
    assertThat(new JsonObject(Json.encode(parts)).getJsonArray("content").getJsonObject(3))
        .isEqualTo(new JsonObject("{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":\"wav\"}}"));

    ChatMessage text = Json.decode("{\"role\":\"assistant\",\"content\":null,\"refusal\":\"no\"}", ChatMessage.class);
    assertThat(text.getContent()).isNull();
    assertThat(text.getRefusal()).isEqualTo("no");
  }

  @Test
  void responsesRoundTripUnknownFields() {
    String json = """
        {"id":"chatcmpl-1","object":"chat.completion","created":2,"model":"m","provider":"OpenAI",
         "choices":[{"index":0,"message":{"role":"assistant","content":"x","annotations":[]},
           "finish_reason":"stop","logprobs":{"content":[]}}],
         "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}},
         "service_tier":"default","system_fingerprint":"fp"}""";

    ChatCompletion completion = Json.decode(json, ChatCompletion.class);

    assertThat(completion.getExtra()).containsOnlyKeys("service_tier");
    assertThat(new JsonObject(Json.encode(completion))).isEqualTo(new JsonObject(json));
  }

  @Test
  void chunksAlwaysCarryTheFinishReasonField() {
    ChatCompletionChunk chunk = new ChatCompletionChunk().setId("c").setModel("m");
    chunk.getChoices().add(new ChatCompletionChunk.Choice().setDelta(ChatMessage.assistant("hi")));

    JsonObject json = new JsonObject(Json.encode(chunk));

    assertThat(json.getString("object")).isEqualTo("chat.completion.chunk");
    assertThat(json.getJsonArray("choices").getJsonObject(0).containsKey("finish_reason")).isTrue();
    assertThat(json.getJsonArray("choices").getJsonObject(0).getValue("finish_reason")).isNull();
  }

  @Test
  void anyObjectMapperReadsTheOtherShapesOfMessagesAndContent() throws Exception {
    ObjectMapper plain = new ObjectMapper();

    ChatCompletionRequest request = plain.readValue("""
        {"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
         {"role":"assistant","content":7}]}""", ChatCompletionRequest.class);

    assertThat(request.getMessages().get(0).getContentParts()).hasSize(2);
    assertThat(request.getMessages().get(0).getContent()).isEqualTo("ab");
    assertThat(request.getMessages().get(1).getContent()).isEqualTo("7");
    assertThat(plain.readValue("{\"messages\":\"hi\"}", ChatCompletionRequest.class).getMessages())
        .extracting(ChatMessage::getRole, ChatMessage::getContent).containsExactly(tuple("user", "hi"));
    assertThat(plain.readValue("{\"messages\":null}", ChatCompletionRequest.class).addUserMessage("x").getMessages())
        .hasSize(1);
    ChatCompletionRequest copy = request.copy();
    assertThat(plain.writeValueAsString(copy)).isEqualTo(plain.writeValueAsString(request));
    assertThat(copy.getMessages().get(0).getContentParts())
        .isNotSameAs(request.getMessages().get(0).getContentParts());
  }

  @Test
  void clientSideSettingsNeverReachTheWire() {
    ChatCompletionRequest request = ChatCompletionRequest.of("m", "hi")
        .addImage(ImageInput.ofUrl("https://x/y.png"));

    assertThat(Json.encode(request).toString()).doesNotContain("images");
    ChatCompletionRequest copy = request.copy();
    assertThat(copy.getImages()).hasSize(1);
    assertThat(copy.getMessages()).isNotSameAs(request.getMessages());
  }

  @Test
  void optionsRoundTripThroughJsonAndCopy() {
    ClientOptions options = new ClientOptions().setProvider("OpenaiChat").setImageProvider("OpenAI")
        .setApiKey("k").setProxy("socks5://h:1080").setBaseUrl("http://127.0.0.1:1/v1").setConnectTimeout(1)
        .setIdleTimeout(2).setTotalTimeout(3).setMaxRetries(4).setMaxConnections(5).setImagesDir("/tmp/x")
        .setTrustedCertificates("/etc/ca.pem").setAllowedPrivateImageHosts(List.of("images.internal", "10.1.0.0/16"))
        .setStoreImages(true).setHttp2(true);

    assertThat(options.toJson().getBoolean("http2")).isTrue();
    assertThat(new ClientOptions().isHttp2()).as("HTTP/1.1 on http:// by default").isFalse();
    assertThat(options.toJson().getJsonArray("allowedPrivateImageHosts"))
        .containsExactly("images.internal", "10.1.0.0/16");
    assertThat(options.toJson().getBoolean("storeImages")).isTrue();
    assertThat(new ClientOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(new ClientOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(new ClientOptions(new JsonObject()).toJson()).isEqualTo(new ClientOptions().toJson());
    assertThat(new ClientOptions().getProvider()).isEqualTo(ClientOptions.DEFAULT_PROVIDER);
    assertThat(new ClientOptions().getMaxRetries()).isEqualTo(ClientOptions.DEFAULT_MAX_RETRIES);
    assertThat(new ClientOptions(options.toJson()).getMaxConnections()).isEqualTo(5);
  }

  @Test
  void invalidOptionsAreRejected() {
    assertThatThrownBy(() -> new ClientOptions().setIdleTimeout(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> new ClientOptions().setMaxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClientOptions().setMaxConnections(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClientOptions(new JsonObject().put("totalTimeout", -5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalTimeout");
    for (String entry : List.of("host name", "10.0.0.300", "10.0.0.0/33", "fd00::/129", "", "images.internal:8080")) {
      assertThatThrownBy(() -> new ClientOptions().setAllowedPrivateImageHosts(List.of(entry)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowedPrivateImageHosts")
          .hasMessageContaining("'" + entry + "'");
    }
    assertThatThrownBy(() -> new ClientOptions(new JsonObject().put("allowedPrivateImageHosts",
        new JsonArray().add(7)))).hasMessageContaining("allowedPrivateImageHosts[0]");
    assertThat(new ClientOptions().getAllowedPrivateImageHosts()).as("private addresses are refused by default")
        .isEmpty();
  }

  @Test
  void toolsAreWrittenInOpenAiShape() {
    ChatCompletionRequest request = ChatCompletionRequest.of("m", "hi").setTools(List.of(
        Tool.function("f", "does f", java.util.Map.of("type", "object"))));

    assertThat(new JsonObject(Json.encode(request)).getJsonArray("tools").getJsonObject(0)).isEqualTo(new JsonObject(
        "{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":\"does f\",\"parameters\":{\"type\":\"object\"}}}"));
  }
}
