package io.g4f.client.testing;

/** Found by {@link java.util.ServiceLoader} through {@code META-INF/services} in the test resources. */
public class ServiceLoadedProvider extends EchoProvider {

  @Override
  public String name() {
    return "ServiceEcho";
  }
}
