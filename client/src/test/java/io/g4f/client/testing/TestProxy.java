package io.g4f.client.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process proxy on 127.0.0.1 for tests, speaking HTTP (CONNECT tunnels and absolute-form
 * forwarding, with optional Basic {@code Proxy-Authorization}) and SOCKS5 (RFC 1928, with RFC 1929
 * username/password), told apart by the first byte. Records the targets and credentials it saw.
 */
public final class TestProxy implements AutoCloseable {

  private final String username;
  private final String password;
  private final NetClient client;
  private final NetServer server;
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final List<String> credentials = new CopyOnWriteArrayList<>();
  private final List<String> connectTargets = new CopyOnWriteArrayList<>();

  private TestProxy(Vertx vertx, String username, String password) {
    this.username = username;
    this.password = password;
    this.client = vertx.createNetClient();
    this.server = ScriptedServer.await(vertx.createNetServer().connectHandler(this::accept).listen(0, "127.0.0.1"));
  }

  /** A proxy that requires {@code username:password}, or none when both are null. */
  public static TestProxy start(Vertx vertx, String username, String password) {
    return new TestProxy(vertx, username, password);
  }

  /** The port. */
  public int port() {
    return server.actualPort();
  }

  /** {@code host:port} of every connection made on a client's behalf, in order. */
  public List<String> targets() {
    return targets;
  }

  /** {@code host:port} of every HTTP CONNECT tunnel asked for. */
  public List<String> connectTargets() {
    return connectTargets;
  }

  /** {@code user:pass} as each client presented it (an empty string when it presented none). */
  public List<String> credentials() {
    return credentials;
  }

  private void accept(NetSocket socket) {
    Buffer received = Buffer.buffer();
    socket.handler(bytes -> {
      received.appendBuffer(bytes);
      if (received.getByte(0) == 5 ? socks(socket, received) : http(socket, received)) {
        socket.handler(null);
      }
    });
  }

  /** Handles the HTTP proxy request once its header is complete; true when it took over the socket. */
  private boolean http(NetSocket socket, Buffer received) {
    String text = received.toString(StandardCharsets.ISO_8859_1);
    int headerEnd = text.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
      return false;
    }
    String[] lines = text.substring(0, headerEnd).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    String given = "";
    StringBuilder forwarded = new StringBuilder();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].toLowerCase(Locale.ROOT).startsWith("proxy-authorization: basic ")) {
        given = new String(Base64.getDecoder().decode(lines[i].substring(27).trim()), StandardCharsets.UTF_8);
      } else {
        forwarded.append(lines[i]).append("\r\n");
      }
    }
    credentials.add(given);
    if (username != null && !given.equals(username + ":" + password)) {
      socket.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n").onComplete(v -> socket.close());
      return true;
    }
    if (requestLine[0].equals("CONNECT")) {
      String[] target = requestLine[1].split(":");
      connectTargets.add(requestLine[1]);
      tunnel(socket, target[0], Integer.parseInt(target[1]), Buffer.buffer("HTTP/1.1 200 Connection established\r\n\r\n"),
          null);
    } else {
      java.net.URI uri = java.net.URI.create(requestLine[1]);
      Buffer head = Buffer.buffer(requestLine[0] + " " + uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " " + requestLine[2] + "\r\n" + forwarded + "\r\n")
          .appendBuffer(received.getBuffer(headerEnd + 4, received.length()));
      tunnel(socket, uri.getHost(), uri.getPort(), null, head);
    }
    return true;
  }

  /**
   * Handles the SOCKS5 handshake as its bytes arrive (greeting, then credentials when required,
   * then the connect request; each answered before the client sends the next); true when done.
   */
  private boolean socks(NetSocket socket, Buffer received) {
    int methods = received.length() > 1 ? received.getUnsignedByte(1) : -1;
    if (methods < 0 || received.length() < 2 + methods) {
      return false;
    }
    int at = 2 + methods;
    if (received.length() == at) {
      socket.write(Buffer.buffer(new byte[] {5, (byte) (username == null ? 0 : 2)}));
      return false;
    }
    if (username != null) {
      if (received.length() < at + 2) {
        return false;
      }
      int userLength = received.getUnsignedByte(at + 1);
      if (received.length() < at + 3 + userLength) {
        return false;
      }
      int passLength = received.getUnsignedByte(at + 2 + userLength);
      int authEnd = at + 3 + userLength + passLength;
      if (received.length() < authEnd) {
        return false;
      }
      String given = received.getString(at + 2, at + 2 + userLength) + ":"
          + received.getString(at + 3 + userLength, authEnd);
      boolean ok = given.equals(username + ":" + password);
      if (received.length() == authEnd) {
        credentials.add(given);
        socket.write(Buffer.buffer(new byte[] {1, (byte) (ok ? 0 : 1)}));
        if (!ok) {
          socket.close();
          return true;
        }
        return false;
      }
      at = authEnd;
    }
    if (received.length() < at + 5) {
      return false;
    }
    int type = received.getUnsignedByte(at + 3);
    int addressLength = type == 1 ? 4 : type == 4 ? 16 : 1 + received.getUnsignedByte(at + 4);
    int end = at + 4 + addressLength + 2;
    if (received.length() < end) {
      return false;
    }
    String host = type == 3 ? received.getString(at + 5, at + 4 + addressLength)
        : type == 1 ? (received.getUnsignedByte(at + 4) + "." + received.getUnsignedByte(at + 5) + "."
            + received.getUnsignedByte(at + 6) + "." + received.getUnsignedByte(at + 7)) : "::1";
    if (username == null) {
      credentials.add("");
    }
    tunnel(socket, host, received.getUnsignedShort(end - 2), Buffer.buffer(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0}),
        null);
    return true;
  }

  /** Connects to the target, sends {@code reply} to the client and {@code first} to the target, then pipes both ways. */
  private void tunnel(NetSocket socket, String host, int port, Buffer reply, Buffer first) {
    targets.add(host + ":" + port);
    socket.pause();
    client.connect(port, host).onComplete(connected -> {
      if (connected.failed()) {
        socket.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n").onComplete(v -> socket.close());
        return;
      }
      NetSocket upstream = connected.result();
      if (reply != null) {
        socket.write(reply);
      }
      if (first != null) {
        upstream.write(first);
      }
      socket.handler(upstream::write);
      upstream.handler(socket::write);
      socket.closeHandler(v -> upstream.close());
      upstream.closeHandler(v -> socket.close());
      socket.resume();
    });
  }

  @Override
  public void close() {
    ScriptedServer.await(server.close());
    ScriptedServer.await(client.close());
  }
}
