package io.g4f.server.http;

import io.g4f.client.CancellableStream;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a response's events so that a burst costs few socket writes without holding anything back
 * for long: the first chunk that arrives in an event-loop task is written at once; those decoded
 * after it in the same task (from the same upstream read) are gathered and written as one buffer,
 * when {@value #MAX_GATHERED} bytes are gathered or right after the task. A full write queue pauses
 * the upstream until it drains; a write that fails (the reader is gone, maybe before the response knows it is
 * closed) cancels it.
 */
public final class EventBatch {

  private static final int MAX_GATHERED = 16 * 1024;

  private final Context context;
  private final CancellableStream<?> stream;
  private final HttpServerResponse response;
  private Buffer gathered;
  private boolean inTask;

  public EventBatch(Context context, CancellableStream<?> stream, HttpServerResponse response) {
    this.context = context;
    this.stream = stream;
    this.response = response;
  }

  public void add(Buffer event) {
    if (!inTask) {
      inTask = true;
      context.runOnContext(v -> {
        inTask = false;
        flush();
      });
      write(event);
    } else if (gathered == null) {
      gathered = event;
    } else {
      gathered.appendBuffer(event);
    }
    if (gathered != null && gathered.length() >= MAX_GATHERED) {
      flush();
    }
  }

  /** Writes what is gathered. */
  public void flush() {
    Buffer events = gathered;
    gathered = null;
    if (events != null) {
      write(events);
    }
  }

  private void write(Buffer events) {
    if (response.closed() || response.ended()) {
      return;
    }
    response.write(events).onFailure(gone -> stream.cancel());
    // A write that fails at once (the reader is gone) cancels the stream, whose failure ends the response.
    if (!response.ended() && response.writeQueueFull()) {
      stream.pause();
      response.drainHandler(drained -> stream.resume());
    }
  }
}
