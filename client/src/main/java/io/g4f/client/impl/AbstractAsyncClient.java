package io.g4f.client.impl;

import io.g4f.client.CallOptions;
import io.g4f.client.GenericAsyncClient;

/**
 * A {@link GenericAsyncClient} that is its own service tree: {@code chat()}, {@code completions()}, {@code images()},
 * {@code embeddings()} and {@code models()} return it.
 */
abstract class AbstractAsyncClient<O extends CallOptions> implements GenericAsyncClient<O>,
    GenericAsyncClient.Chat<O>, GenericAsyncClient.ChatCompletions<O>, GenericAsyncClient.Images<O>,
    GenericAsyncClient.Embeddings<O>, GenericAsyncClient.Models {

  @Override
  public final Chat<O> chat() {
    return this;
  }

  @Override
  public final ChatCompletions<O> completions() {
    return this;
  }

  @Override
  public final Images<O> images() {
    return this;
  }

  @Override
  public final Embeddings<O> embeddings() {
    return this;
  }

  @Override
  public final Models models() {
    return this;
  }
}
