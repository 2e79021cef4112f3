package io.g4f.examples;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.ProviderRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The seed's "Custom Providers": a provider written here (it shouts the question back), registered
 * next to the built-in ones and chosen by name like any of them.
 */
public final class CustomProvider {

  private CustomProvider() {
  }

  /** A provider that answers with the question in capitals; no network, no key. */
  static final class ShoutProvider implements Provider {

    @Override
    public String name() {
      return "Shout";
    }

    @Override
    public String defaultModel() {
      return "shout-1";
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of(Capability.CHAT, Capability.STREAMING);
    }

    @Override
    public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
      List<ChatMessage> messages = request.getMessages();
      String answer = messages.get(messages.size() - 1).getContent().toUpperCase(Locale.ROOT) + "!";
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId("shout").setModel(request.getModel())
          .setProvider(context.providerName());
      chunk.getChoices().add(new ChatCompletionChunk.Choice().setDelta(ChatMessage.assistant(answer)).setFinishReason("stop"));
      return Future.succeededFuture(ChatCompletionStream.of(context.vertx(), List.of(chunk)));
    }
  }

  /** Asks the custom provider one question and prints its answer and its name. */
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    AsyncClient client = AsyncClient.create(vertx, new ClientOptions().setProvider("Shout"),
        ProviderRegistry.standard().register(new ShoutProvider()));
    Example.exit(vertx, client.chat().completions()
        .create(ChatCompletionRequest.of(null, "say this is a test"))
        .onSuccess(response -> System.out.println(response.getChoices().get(0).getMessage().getContent()
            + " (" + response.getProvider() + ")")));
  }
}
