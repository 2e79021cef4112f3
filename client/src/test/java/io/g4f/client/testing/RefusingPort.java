package io.g4f.client.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses every connection for as long as it is open: a socket bound to it that does not
 * listen. Unlike a port that was free a moment ago, no other process (a build beside the tests, say) can take it
 * meanwhile and answer or reset instead.
 */
public final class RefusingPort implements AutoCloseable {

  private final Socket socket = new Socket();

  /** Binds a free loopback port. */
  public RefusingPort() {
    try {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port. */
  public int port() {
    return socket.getLocalPort();
  }

  /** An OpenAI-style base URL at the port, {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
