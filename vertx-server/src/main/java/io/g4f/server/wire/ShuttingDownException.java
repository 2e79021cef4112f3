package io.g4f.server.wire;

import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;

/** What a call the gateway cuts because it is stopping fails with: 503 {@code shutting_down}. */
public final class ShuttingDownException extends G4fException {

  public ShuttingDownException() {
    super("The gateway is shutting down", false,
        new ErrorDetails().status(503).type("server_error").code("shutting_down"));
  }
}
