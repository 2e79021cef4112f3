package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.server.config.GatewayOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayOptionsTest {

  @Test
  void theConfigFileSelectsProvidersAndModels() {
    GatewayOptions options = new GatewayOptions().applyConfig(new JsonObject("""
        {"providers":[{"name":"local","type":"openai","baseUrl":"http://127.0.0.1:9000/v1","apiKey":"k1",
                       "models":["m1","m2"]},
                      {"name":"pics","type":"openai","baseUrl":"http://127.0.0.1:9001/v1"}],
         "defaultProvider":"local","imageProvider":"pics"}"""));

    assertThat(options.getDefaultProvider().name()).isEqualTo("local");
    assertThat(options.getDefaultProvider().client().getProviders().get(0).getBaseUrl()).isEqualTo("http://127.0.0.1:9000/v1");
    assertThat(options.getDefaultProvider().client().getProviders().get(0).getApiKey()).isEqualTo("k1");
    assertThat(options.getDefaultProvider().models()).containsExactly("m1", "m2");
    assertThat(options.getImageProvider().name()).isEqualTo("pics");
    assertThat(options.getImageProvider().client().getProviders().get(0).getBaseUrl()).isEqualTo("http://127.0.0.1:9001/v1");
    assertThat(options.getImageProvider().models()).isEmpty();
    assertThat(options.getProviders()).extracting(GatewayOptions.ProviderConfig::name).containsExactly("local", "pics");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{}                                                                   | providers is required",
      "{'providers':{}}                                                     | providers must be an array",
      "{'providers':[]}                                                     | providers must list at least one",
      "{'providers':[1]}                                                    | providers[0] must be an object",
      "{'providers':[{'type':'openai','baseUrl':'u'}]}                       | providers[0].name is required",
      "{'providers':[{'name':'a','type':'smtp','baseUrl':'u'}]}              | providers[0].type 'smtp' is not supported (supported: openai, OpenAI, Groq",
      "{'providers':[{'name':'a','type':'openai'}]}                          | providers[0].baseUrl is required",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'http://u','models':[1]}]} | providers[0].models[0] must be a string",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'http://u'}],'defaultProvider':'b'} | defaultProvider 'b' is not one",
  })
  void badConfigNamesTheField(String config, String message) {
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(new JsonObject(config.replace('\'', '"'))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void presetsNeedNoBaseUrl() {
    GatewayOptions options = new GatewayOptions().applyConfig(new JsonObject(
        "{\"providers\":[{\"name\":\"fast\",\"type\":\"groq\",\"apiKey\":\"g\"},"
            + "{\"name\":\"home\",\"type\":\"Ollama\",\"baseUrl\":\"http://10.0.0.2:11434/v1\"}]}"));

    assertThat(options.getDefaultProvider().typeName()).isEqualTo("groq");
    assertThat(options.getDefaultProvider().client().getProviders().get(0).getBaseUrl()).isNull();
    assertThat(options.provider("home").typeName()).isEqualTo("Ollama");
    assertThat(options.provider("home").client().getProviders().get(0).getBaseUrl()).isEqualTo("http://10.0.0.2:11434/v1");
  }

  @Test
  void withoutConfigTheEnvironmentNamesTheUpstream() {
    GatewayOptions options = GatewayOptions.fromEnvironment(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"));

    assertThat(options.getDefaultProvider().name()).isEqualTo("OpenAI");
    assertThat(options.getDefaultProvider().client().getBaseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
    assertThat(options.getDefaultProvider().client().getApiKey()).isNull();
    assertThat(options.getHost()).isEqualTo("127.0.0.1");
    assertThat(options.getPort()).isEqualTo(1337);
  }

  @Test
  void withoutConfigOrKeysOnlyTheKeylessProviderServes() {
    GatewayOptions options = GatewayOptions.fromEnvironment(Map.of());

    assertThat(options.getProviders()).extracting(GatewayOptions.ProviderConfig::name).containsExactly("Pollinations");
    assertThat(options.getDefaultProvider().name()).isEqualTo("Pollinations");
    assertThat(options.getImageProvider().name()).isEqualTo("Pollinations");
    assertThat(options.getDefaultProvider().takesAnyModel()).isTrue();
  }

  @Test
  void eachProviderWithAKeyInTheEnvironmentServesItsModels() {
    GatewayOptions options = GatewayOptions.fromEnvironment(Map.of("ANTHROPIC_API_KEY", "ak", "GROQ_API_KEY", "gk",
        "AZURE_OPENAI_API_KEY", "no endpoint, so not served"));

    assertThat(options.getProviders()).extracting(GatewayOptions.ProviderConfig::name)
        .containsExactly("Groq", "Anthropic", "Pollinations");
    assertThat(options.getDefaultProvider().name()).isEqualTo("Groq");
    assertThat(options.getDefaultProvider().takesAnyModel()).isTrue();
    assertThat(options.provider("anthropic").client().getApiKey()).isEqualTo("ak");
    assertThat(options.provider("anthropic").models()).contains("claude-sonnet-4-5");
    assertThat(options.getImageProvider().name()).as("the first that makes images").isEqualTo("Pollinations");
  }

  @Test
  void azureFromTheEnvironmentNeedsItsEndpoint() {
    GatewayOptions options = GatewayOptions.fromEnvironment(Map.of("AZURE_OPENAI_API_KEY", "zk",
        "AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com", "OPENAI_API_KEY", "ok"));

    assertThat(options.getProviders()).extracting(GatewayOptions.ProviderConfig::name)
        .containsExactly("OpenAI", "Azure", "Pollinations");
    assertThat(options.provider("azure").client().getBaseUrl()).isEqualTo("https://res.openai.azure.com");
    assertThat(options.provider("openai").client().getBaseUrl()).isNull();
    assertThat(options.getImageProvider().name()).isEqualTo("OpenAI");
  }

  @Test
  void theCommandLineFallsBackToEnvironmentDefaults() {
    Main main = new Main(Map.of());
    new picocli.CommandLine(main).parseArgs("--port", "8080", "--api-key", "secret");

    GatewayOptions options = main.options();

    assertThat(options.getPort()).isEqualTo(8080);
    assertThat(options.getHost()).isEqualTo("127.0.0.1");
    assertThat(options.getApiKey()).isEqualTo("secret");
  }

  @Test
  void theTcpBridgeIsOffUnlessAPortIsGiven() {
    Main off = new Main(Map.of());
    new picocli.CommandLine(off).parseArgs();
    Main on = new Main(Map.of());
    new picocli.CommandLine(on).parseArgs("--tcp-bridge-port", "7000");

    assertThat(off.options().getTcpBridgePort()).isEqualTo(GatewayOptions.DEFAULT_TCP_BRIDGE_PORT).isNegative();
    assertThat(on.options().getTcpBridgePort()).isEqualTo(7000);
    assertThatThrownBy(() -> new GatewayOptions().setTcpBridgePort(70_000)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theEventBusPrefixComesFromTheConfigFile() {
    GatewayOptions options = new GatewayOptions().applyConfig(new JsonObject()
        .put("providers", new JsonArray().add(new JsonObject().put("name", "a").put("type", "openai")
            .put("baseUrl", "http://127.0.0.1:1/v1")))
        .put("eventBusPrefix", "ai"));

    assertThat(options.getEventBusPrefix()).isEqualTo("ai");
    assertThat(new GatewayOptions().getEventBusPrefix()).isEqualTo(GatewayOptions.DEFAULT_EVENT_BUS_PREFIX);
  }

  @Test
  void clusterFlagsBecomeATcpIpHazelcastConfigWithoutMulticast() {
    Main main = new Main(Map.of());
    new picocli.CommandLine(main).parseArgs("--cluster", "--cluster-host", "127.0.0.1", "--cluster-port", "15801",
        "--cluster-members", "127.0.0.1:15801,127.0.0.1:15802");

    var config = Clustering.hazelcast(main.clusterHost, main.clusterPort, main.clusterMembers);

    assertThat(main.cluster).isTrue();
    assertThat(config.getClusterName()).isEqualTo(Clustering.CLUSTER_NAME);
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(15801);
    assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("127.0.0.1:15801", "127.0.0.1:15802");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
  }
}
