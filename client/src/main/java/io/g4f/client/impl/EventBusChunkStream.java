package io.g4f.client.impl;

import io.g4f.client.EventBusClientOptions;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The caller's side of an event-bus stream (docs/event-bus.md): batches pulled from the stream's
 * address are queued, and the next pull grants the room freed by the consumer (see
 * {@link #onStarved}), or none as a heartbeat after half the timeout. Chunks queued here plus
 * credits granted never exceed the window, so the gateway reads the provider no further ahead.
 * Terminating the stream early (cancel, a throwing handler) sends the gateway a cancel.
 */
final class EventBusChunkStream extends QueuedStream<ChatCompletionChunk, ChatCompletionStream>
    implements ChatCompletionStream {

  private final EventBus bus;
  private final long window;
  private final long timeout;
  private final Consumer<ChatCompletionStream> onClosed;
  private String address;
  /** Whether a pull may be sent: a batch arrived, the stream goes on, and no pull is on its way. */
  private boolean mayPull;
  /** Credits granted to the gateway and not yet used by chunks it sent. */
  private long granted;
  private long heartbeat = -1;

  EventBusChunkStream(Context context, EventBusClientOptions options, Message<Object> opening,
                      Consumer<ChatCompletionStream> onClosed) {
    super(context);
    this.bus = context.owner().eventBus();
    this.window = options.getCredits();
    this.timeout = options.getTimeout();
    this.onClosed = onClosed;
    this.granted = window;
    accept(opening);
  }

  private void accept(Message<Object> answer) {
    JsonArray chunks;
    boolean done;
    try {
      JsonObject body = (JsonObject) answer.body();
      address = body.getString(EventBusProtocol.STREAM_ADDRESS);
      chunks = body.getJsonArray(EventBusProtocol.CHUNKS);
      done = body.getBoolean(EventBusProtocol.DONE);
      for (Object chunk : chunks) {
        pending.add(Json.decode(((JsonObject) chunk).toBuffer(), ChatCompletionChunk.class));
      }
    } catch (RuntimeException e) {
      complete(ProviderErrors.malformed("The gateway", "stream batch", e));
      drain();
      return;
    }
    granted = Math.max(0, granted - chunks.size());
    if (done) {
      complete(null);
    } else {
      mayPull = true;
      heartbeat = context.owner().setTimer(Math.max(1, timeout / 2), id -> {
        heartbeat = -1;
        pull();
      });
    }
    drain();
  }

  /**
   * Pulls at once while the gateway still has credits (it can send only in answer to a pull), else
   * once half the window is free or the queue ran dry.
   */
  @Override
  void onStarved(boolean starved) {
    long room = room();
    if (mayPull && (granted > 0 || room > 0 && (room >= (window + 1) / 2 || pending.isEmpty()))) {
      pull();
    }
  }

  private long room() {
    return Math.max(0, window - pending.size() - granted);
  }

  /** Pulls the next batch, granting the room there is (possibly none: a heartbeat). */
  private void pull() {
    if (!mayPull || terminated()) {
      return;
    }
    mayPull = false;
    cancelHeartbeat();
    long credits = room();
    granted += credits;
    bus.<Object>request(address, EventBusProtocol.pull(credits), new DeliveryOptions().setSendTimeout(timeout))
        .onComplete(this::answered);
  }

  private void answered(AsyncResult<Message<Object>> answer) {
    if (terminated()) {
      if (answer.succeeded()) {
        bus.send(address, EventBusProtocol.cancel());
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
    if (mayPull) {
      mayPull = false;
      bus.send(address, EventBusProtocol.cancel());
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
