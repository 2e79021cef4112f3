package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.CancellableStream;
import io.g4f.server.http.EventBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link EventBatch} against a response whose reader is gone before the response knows it
 * closed: a write fails at once, the stream is cancelled, and its failure ends the response (as
 * {@code HttpExchange} does), all inside the write. Stand-ins (proxies) of the response, stream and context
 * stand for the race a load generator that closes held streams runs into.
 */
class EventBatchTest {

  @Test
  void aWriteThatFailsBecauseTheReaderLeftCancelsTheStreamAndEndsQuietly() {
    AtomicBoolean ended = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    HttpServerResponse response = stub(HttpServerResponse.class, (method, args) -> switch (method) {
      case "closed" -> false;
      case "ended" -> ended.get();
      case "write" -> {
        if (ended.get()) {
          throw new IllegalStateException("Response has already been written");
        }
        writes.incrementAndGet();
        yield Future.failedFuture("Connection was closed");
      }
      case "writeQueueFull" -> {
        if (ended.get()) {
          throw new IllegalStateException("Response has already been written");
        }
        yield false;
      }
      default -> throw new UnsupportedOperationException(method);
    });
    AtomicInteger cancels = new AtomicInteger();
    CancellableStream<?> stream = stub(CancellableStream.class, (method, args) -> {
      if (method.equals("cancel")) {
        cancels.incrementAndGet();
        ended.set(true);
        return null;
      }
      throw new UnsupportedOperationException(method);
    });
    List<Handler<Void>> tasks = new ArrayList<>();
    Context context = stub(Context.class, (method, args) -> {
      if (method.equals("runOnContext")) {
        @SuppressWarnings("unchecked")
        Handler<Void> task = (Handler<Void>) args[0];
        tasks.add(task);
        return null;
      }
      throw new UnsupportedOperationException(method);
    });
    EventBatch batch = new EventBatch(context, stream, response);

    batch.add(Buffer.buffer("data: 1\n\n"));
    batch.add(Buffer.buffer("data: 2\n\n"));
    tasks.forEach(task -> task.handle(null));

    assertThat(writes).as("the first event, written at once; nothing after the response ended").hasValue(1);
    assertThat(cancels).hasValue(1);
  }

  private interface Answer {
    Object answer(String method, Object[] args);
  }

  @SuppressWarnings("unchecked")
  private static <T> T stub(Class<T> type, Answer answer) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> answer.answer(method.getName(), args));
  }
}
