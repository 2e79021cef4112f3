package io.g4f.client.impl;

import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.EventBusClientOptions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The caller's side of an event-bus stream (docs/event-bus.md): batches from the gateway are queued,
 * and the latest batch is answered with a pull granting the room freed by the consumer (see
 * {@link #onStarved}), or with a heartbeat pull after half the timeout. Chunks queued here plus
 * credits granted never exceed the window, so the gateway reads the provider no further ahead.
 * Terminating the stream early (cancel, a throwing handler) sends the gateway a cancel.
 */
final class EventBusChunkStream extends QueuedChunkStream {

  private final String address;
  private final long window;
  private final long timeout;
  private final Consumer<ChatCompletionStream> onClosed;
  /** The latest batch, awaiting our pull; null while a pull is on its way. */
  private Message<Object> held;
  /** Credits granted to the gateway and not yet used by chunks it sent. */
  private long granted;
  private long heartbeat = -1;

  EventBusChunkStream(Context context, String address, EventBusClientOptions options, Message<Object> opening,
                      Consumer<ChatCompletionStream> onClosed) {
    super(context);
    this.address = address;
    this.window = options.getCredits();
    this.timeout = options.getTimeout();
    this.onClosed = onClosed;
    this.granted = window;
    accept(opening);
  }

  private void accept(Message<Object> batch) {
    JsonArray chunks;
    boolean done;
    try {
      JsonObject body = (JsonObject) batch.body();
      chunks = body.getJsonArray(EventBusProtocol.CHUNKS);
      done = body.getBoolean(EventBusProtocol.DONE);
      for (Object chunk : chunks) {
        pending.add(Codec.decode(((JsonObject) chunk).toBuffer(), ChatCompletionChunk.class));
      }
    } catch (RuntimeException e) {
      complete(Errors.malformed("The gateway", "stream batch", e));
      drain();
      return;
    }
    granted = Math.max(0, granted - chunks.size());
    if (done) {
      complete(null);
    } else {
      held = batch;
      heartbeat = context.owner().setTimer(Math.max(1, timeout / 2), id -> {
        heartbeat = -1;
        pull();
      });
    }
    drain();
  }

  /**
   * Pulls at once while the gateway still has credits (it can send only in answer to a pull), else
   * once half the window is free or the queue ran dry; holding the batch otherwise costs nothing.
   */
  @Override
  void onStarved(boolean starved) {
    long room = room();
    if (held != null && (granted > 0 || room > 0 && (room >= (window + 1) / 2 || pending.isEmpty()))) {
      pull();
    }
  }

  private long room() {
    return Math.max(0, window - pending.size() - granted);
  }

  /** Answers the held batch, granting the room there is (possibly none: a heartbeat). */
  private void pull() {
    if (held == null || terminated()) {
      return;
    }
    Message<Object> batch = held;
    held = null;
    cancelHeartbeat();
    long credits = room();
    granted += credits;
    batch.replyAndRequest(EventBusProtocol.pull(credits), new DeliveryOptions().setSendTimeout(timeout))
        .onComplete(this::answered);
  }

  private void answered(AsyncResult<Message<Object>> answer) {
    if (terminated()) {
      if (answer.succeeded() && answer.result().replyAddress() != null) {
        answer.result().reply(EventBusProtocol.cancel());
      }
    } else if (answer.failed()) {
      complete(EventBusProtocol.failure(answer.cause(), address));
      drain();
    } else {
      accept(answer.result());
    }
  }

  @Override
  void onTerminated(Throwable error) {
    cancelHeartbeat();
    if (held != null) {
      held.reply(EventBusProtocol.cancel());
      held = null;
    }
    onClosed.accept(this);
  }

  private void cancelHeartbeat() {
    if (heartbeat >= 0) {
      context.owner().cancelTimer(heartbeat);
      heartbeat = -1;
    }
  }

  @Override
  String cancelledMessage() {
    return "The stream from " + address + " was cancelled";
  }
}
