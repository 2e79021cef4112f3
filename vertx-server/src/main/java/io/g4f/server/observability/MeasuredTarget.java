package io.g4f.server.observability;

/** What metrics and spans see of a routing target: its configured provider, its model and its circuit's state. */
public interface MeasuredTarget {

  /** The configured provider's name. */
  String provider();

  /** The model it is asked for, or null for the provider's default. */
  String model();

  /** The circuit's state now: 0 closed, 1 half-open, 2 open. */
  int circuitState();
}
