package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.g4f.client.ProviderEntry;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link ProviderEntry} as a provider: its type's protocol under the entry's name (answers carry that name; a
 * stream's chunks get it from {@link GuardedStream}), serving the entry's models when it lists some. Its base URL and key are the entry's ({@link Routing} reads them from {@link #entry()}).
 */
final class EntryProvider implements Provider {

  private final ProviderEntry entry;
  private final Provider type;
  /**
   * The type's key variable, unless the entry's base URL is another address (scheme, host and port) than the type's
   * own: that key must not reach another server.
   */
  private final String apiKeyVariable;

  private EntryProvider(ProviderEntry entry, Provider type) {
    this.entry = new ProviderEntry(entry);
    this.type = type;
    String own = type instanceof AbstractProvider provider ? provider.baseUrl() : null;
    this.apiKeyVariable = entry.getBaseUrl() == null || own != null && sameOrigin(entry.getBaseUrl(), own)
        ? type.apiKeyVariable() : null;
  }

  /**
   * The provider for {@code entry}, its type looked up in {@code registry}.
   *
   * @throws ProviderNotFoundException naming the entry when its type is unknown
   */
  static EntryProvider of(ProviderEntry entry, ProviderRegistry registry) {
    String typeName = entry.getType().equalsIgnoreCase(ProviderEntry.OPENAI) ? "OpenAI" : entry.getType();
    try {
      return new EntryProvider(entry, registry.get(typeName));
    } catch (ProviderNotFoundException e) {
      throw new ProviderNotFoundException("Provider entry '" + entry.getName() + "' has an unknown type: "
          + e.getMessage());
    }
  }

  ProviderEntry entry() {
    return entry;
  }

  @Override
  public String name() {
    return entry.getName();
  }

  @Override
  public String defaultModel() {
    return entry.getModels().isEmpty() ? type.defaultModel() : entry.getModels().get(0);
  }

  @Override
  public Set<Capability> capabilities() {
    return type.capabilities();
  }

  @Override
  public List<String> models() {
    return entry.getModels().isEmpty() ? type.models() : List.copyOf(entry.getModels());
  }

  @Override
  public Map<String, String> aliases() {
    return entry.getModels().isEmpty() ? type.aliases() : Map.of();
  }

  /** The type's variable, unless the entry points at another address than the type's own. */
  @Override
  public String apiKeyVariable() {
    return apiKeyVariable;
  }

  private static boolean sameOrigin(String a, String b) {
    try {
      URI one = new URI(a);
      URI other = new URI(b);
      return one.getScheme() != null && one.getHost() != null
          && one.getScheme().equalsIgnoreCase(other.getScheme()) && one.getHost().equalsIgnoreCase(other.getHost())
          && port(one) == port(other);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  @Override
  public Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
    return type.chat(request, context).map(completion -> completion.setProvider(name()));
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    return type.streamChat(request, context);
  }

  @Override
  public Future<ImagesResponse> generateImages(ImageGenerationRequest request, ProviderContext context) {
    return type.generateImages(request, context).map(images -> images.setProvider(name()));
  }

  @Override
  public Future<EmbeddingsResponse> embed(EmbeddingRequest request, ProviderContext context) {
    return type.embed(request, context).map(embeddings -> embeddings.setProvider(name()));
  }

  @Override
  public boolean embeds(String model) {
    return type.embeds(model);
  }

  @Override
  public Future<Buffer> messages(Buffer body, ProviderContext context) {
    return type.messages(body, context);
  }

  @Override
  public Future<CancellableStream<SseParser.Event>> streamMessages(Buffer body, ProviderContext context) {
    return type.streamMessages(body, context);
  }
}
