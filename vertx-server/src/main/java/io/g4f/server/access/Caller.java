package io.g4f.server.access;

/**
 * Who makes a call, as the gateway identified it: the name of the key it presented ({@link io.g4f.server.config.TeamKeys#ADMIN} for
 * the admin key; null on an open gateway) and its address. Limits count per key name, else per address; a
 * caller with neither (a verticle on the event bus itself, inside the cluster) is trusted and unlimited.
 * Travels from a bridge to the gateway's handlers as the {@link #HEADER} header, which bridges overwrite.
 */
public record Caller(String keyName, String address) {

  /** The header a bridge sets on each message to the gateway: {@code key:NAME} or {@code address:ADDRESS}. */
  public static final String HEADER = "g4f-caller";
  /** A caller inside the cluster. */
  static final Caller TRUSTED = new Caller(null, null);
  /** Where an HTTP route finds the caller in its routing context. */
  public static final String CONTEXT_KEY = "g4f.caller";

  /** The identity limits count under, and the {@link #HEADER} value: {@code key:NAME}, {@code address:ADDRESS}, or null when trusted. */
  public String id() {
    return keyName != null ? "key:" + keyName : address != null ? "address:" + address : null;
  }

  /** The caller a {@link #HEADER} value names; trusted when null. */
  public static Caller fromHeader(String header) {
    if (header == null) {
      return TRUSTED;
    }
    return header.startsWith("key:") ? new Caller(header.substring(4), null)
        : new Caller(null, header.startsWith("address:") ? header.substring(8) : header);
  }
}
