package io.g4f.server;

import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * A provider a gateway config names by its class ({@code "type": "io.g4f.server.ConfiguredProvider"}): answers
 * with the base URL and key its context got from the config, so a test sees them arrive.
 */
public class ConfiguredProvider implements Provider {

  @Override
  public String name() {
    return "Configured";
  }

  @Override
  public String defaultModel() {
    return "configured-1";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.CHAT, Capability.STREAMING);
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    ChatCompletionChunk chunk = new ChatCompletionChunk().setId("configured").setModel(request.getModel())
        .setProvider(name());
    chunk.getChoices().add(new ChatCompletionChunk.Choice()
        .setDelta(ChatMessage.assistant(context.baseUrl() + " " + context.apiKey())).setFinishReason("stop"));
    return Future.succeededFuture(ChatCompletionStream.of(context.vertx(), List.of(chunk)));
  }
}
