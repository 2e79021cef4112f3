package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An event-bus bridge client for tests, over TCP (frames of a 4-byte big-endian length + JSON) or the
 * raw SockJS WebSocket transport (one JSON text message a frame): writes frames and queues those read.
 */
final class BridgeFrames implements AutoCloseable {

  private final Function<Buffer, Future<Void>> writer;
  /** Closes the client, and so its connection (held here: Vert.x closes clients nobody references). */
  private final Supplier<Future<Void>> closer;
  private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();

  private BridgeFrames(Function<Buffer, Future<Void>> writer, Supplier<Future<Void>> closer) {
    this.writer = writer;
    this.closer = closer;
  }

  /** Connects to a TCP bridge on 127.0.0.1. */
  static BridgeFrames tcp(Vertx vertx, int port) {
    NetClient client = vertx.createNetClient();
    NetSocket socket = await(client.connect(port, "127.0.0.1"));
    BridgeFrames frames = new BridgeFrames(json -> socket.write(Buffer.buffer().appendInt(json.length())
        .appendBuffer(json)), client::close);
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new io.vertx.core.Handler<>() {
      private int size = -1;

      @Override
      public void handle(Buffer part) {
        if (size < 0) {
          size = part.getInt(0);
          parser.fixedSizeMode(size);
        } else {
          frames.received.add(part.toJsonObject());
          size = -1;
          parser.fixedSizeMode(4);
        }
      }
    });
    socket.handler(parser);
    return frames;
  }

  /** Connects to the SockJS bridge of the gateway on 127.0.0.1:{@code httpPort}, through its raw WebSocket. */
  static BridgeFrames sockJs(Vertx vertx, int httpPort) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = await(client.connect(httpPort, "127.0.0.1", "/eventbus/websocket"));
    BridgeFrames frames = new BridgeFrames(json -> socket.writeTextMessage(json.toString()), client::close);
    socket.handler(data -> frames.received.add(data.toJsonObject()));
    return frames;
  }

  /** Writes one frame. */
  BridgeFrames write(JsonObject frame) {
    await(writer.apply(frame.toBuffer()));
    return this;
  }

  /** The next frame read; fails after 10 s. */
  JsonObject next() throws InterruptedException {
    JsonObject frame = received.poll(10, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("no frame from the bridge within 10 s");
    }
    return frame;
  }

  @Override
  public void close() {
    await(closer.get());
  }

  /** A port free on 127.0.0.1 right now. */
  static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
