package io.g4f.client.impl;

import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionChunks;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.vertx.core.Context;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@link ChatCompletionChunks} over a {@link ChatCompletionStream}: a queue bounded by demand (the
 * stream is fetched {@value #WINDOW} chunks ahead of the reader, one more for each chunk taken).
 */
public final class BlockingChunks implements ChatCompletionChunks {

  private static final int WINDOW = 16;
  private static final Object END = new Object();

  private final ChatCompletionStream stream;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private boolean iterated;

  /** Starts reading {@code stream}. */
  public BlockingChunks(ChatCompletionStream stream) {
    this.stream = stream;
    stream.pause();
    stream.exceptionHandler(queue::add);
    stream.endHandler(v -> queue.add(END));
    stream.handler(queue::add);
    stream.fetch(WINDOW);
  }

  @Override
  public synchronized Iterator<ChatCompletionChunk> iterator() {
    if (iterated) {
      throw new IllegalStateException("The chunks of a stream can be iterated only once");
    }
    iterated = true;
    return new Iterator<>() {
      private Object next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          next = take();
        }
        if (next instanceof Throwable failure) {
          throw failure instanceof RuntimeException runtime ? runtime
              : new G4fException(String.valueOf(failure.getMessage()), false, new ErrorDetails().cause(failure));
        }
        return next != END;
      }

      @Override
      public ChatCompletionChunk next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ChatCompletionChunk chunk = (ChatCompletionChunk) next;
        next = null;
        stream.fetch(1);
        return chunk;
      }
    };
  }

  private Object take() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Blocking iteration cannot run on a Vert.x event-loop thread");
    }
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stream.cancel();
      throw new G4fException("Interrupted while waiting for the next chunk", 0, null, false);
    }
  }

  @Override
  public void close() {
    stream.cancel();
  }
}
