package io.g4f.client.impl;

import io.g4f.client.AsyncClient;

/** An {@link AsyncClient} that is its own service tree: {@code chat()}, {@code completions()}, {@code images()} and {@code models()} return it. */
abstract class AbstractAsyncClient implements AsyncClient, AsyncClient.Chat, AsyncClient.ChatCompletions,
    AsyncClient.Images, AsyncClient.Models {

  @Override
  public final Chat chat() {
    return this;
  }

  @Override
  public final ChatCompletions completions() {
    return this;
  }

  @Override
  public final Images images() {
    return this;
  }

  @Override
  public final Models models() {
    return this;
  }
}
