package io.g4f.client.testing;

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

/** A custom provider for tests: answers with the last message's text, one word per chunk. */
public class EchoProvider implements Provider {

  @Override
  public String name() {
    return "Echo";
  }

  @Override
  public String defaultModel() {
    return "echo-1";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.CHAT, Capability.STREAMING);
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    List<ChatMessage> messages = request.getMessages();
    String[] words = messages.get(messages.size() - 1).getContent().split(" ");
    List<ChatCompletionChunk> chunks = new java.util.ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId("echo").setModel(request.getModel()).setProvider(name());
      chunk.getChoices().add(new ChatCompletionChunk.Choice().setDelta(new ChatMessage()
          .setRole(i == 0 ? ChatMessage.ASSISTANT : null).setContent(i == 0 ? words[i] : " " + words[i]))
          .setFinishReason(i == words.length - 1 ? "stop" : null));
      chunks.add(chunk);
    }
    return Future.succeededFuture(ChatCompletionStream.of(context.vertx(), chunks));
  }
}
