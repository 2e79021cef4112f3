package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.ModelGroup;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Strict config: every wrong field is refused at start with a message that names it. */
class GatewayConfigTest {

  private static final String OAI = "{'name':'oai','type':'openai','baseUrl':'http://127.0.0.1:9000/v1'}";
  private static final String CLAUDE = "{'name':'claude','type':'Anthropic','apiKey':'k'}";

  private static GatewayOptions apply(String config) {
    return new GatewayOptions().applyConfig(new JsonObject(config.replace('\'', '"')));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "{'providers':[" + OAI + "],'modles':{}}                      | Unknown config key 'modles' (did you mean 'models'?)",
      "{'providers':[" + OAI + "],'defaultProvidr':'oai'}           | Unknown config key 'defaultProvidr' (did you mean 'defaultProvider'?)",
      "{'providers':[" + OAI + "],'zzz':1}                          | Unknown config key 'zzz' (known: providers, defaultProvider",
      "{'providers':[{'name':'a','type':'openai','baseURL':'http://h/v1'}]} | Unknown config key 'providers[0].baseURL' (did you mean 'baseUrl'?)",
      "{'providers':[" + OAI + "],'models':{'g':{'strategy':'fallback','target':[]}}} | Unknown config key 'models.g.target' (did you mean 'targets'?)",
      "{'providers':[" + OAI + "],'models':{'g':{'targets':[{'provider':'oai','model':'m','wieght':2}]}}} | Unknown config key 'models.g.targets[0].wieght' (did you mean 'weight'?)",
      "{'providers':[" + OAI + "],'circuitBreaker':{'coolDwon':5}}  | Unknown config key 'circuitBreaker.coolDwon' (did you mean 'coolDown'?)",
      "{'providers':[" + OAI + ",{'name':'OAI','type':'groq'}]}     | providers[1].name 'OAI' is already the name of providers[0]",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'127.0.0.1:9000/v1'}]} | providers[0].baseUrl '127.0.0.1:9000/v1' needs an http:// or https:// scheme",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'localhost/v1'}]} | providers[0].baseUrl 'localhost/v1' needs an http:// or https:// scheme",
      "{'providers':[" + OAI + "," + CLAUDE + "],'imageProvider':'claude'} | imageProvider 'claude' makes no images (its type is Anthropic); providers that do: oai",
      "{'providers':[" + OAI + "],'imageProvider':'oia'}            | imageProvider 'oia' is not one of the configured providers (did you mean 'oai'?)",
      "{'providers':[" + OAI + "," + CLAUDE + "],'models':{'smart':{'targets':[{'provider':'oai','model':'m'},{'provider':'claud','model':'c'}]}}} | models.smart.targets[1].provider 'claud' is not one of the configured providers (did you mean 'claude'?)",
      "{'providers':[" + OAI + "],'models':{'cheap':{'strategy':'weighted','targets':[{'provider':'oai','model':'m','weight':0}]}}} | models.cheap.targets[0].weight must be an integer >= 1",
      "{'providers':[" + OAI + "],'models':{'g':{'strategy':'fastest','targets':[{'provider':'oai','model':'m'}]}}} | models.g.strategy 'fastest' is unknown (known: fallback, weighted, least-busy, latency)",
      "{'providers':[" + OAI + "],'models':{'g':{'strategy':'leastbusy','targets':[{'provider':'oai','model':'m'}]}}} | models.g.strategy 'leastbusy' is unknown (did you mean 'least-busy'?)",
      "{'providers':[" + OAI + "],'models':{'g':{'targets':[]}}}    | models.g.targets must list at least one target",
      "{'providers':[" + OAI + "],'models':{'g':{'targets':[{'provider':'oai'}]}}} | models.g.targets[0].model is required",
      "{'providers':[" + OAI + "],'models':{'g':{'targets':[{'provider':'oai','model':'m'}],'fallbackOn':['content_filtr']}}} | models.g.fallbackOn[0] 'content_filtr' is unknown (did you mean 'content_filter'?)",
      "{'providers':[" + OAI + "],'models':{'g':{'targets':[{'provider':'oai','model':'m'}],'timeout':0}}} | models.g.timeout must be an integer >= 1",
      "{'providers':[" + OAI + "],'models':{'g':{'targets':[{'provider':'oai','model':'m'}],'retries':-1}}} | models.g.retries must be an integer >= 0",
      "{'providers':[" + OAI + "],'models':{'g':[]}}                | models.g must be an object",
      "{'providers':[" + OAI + "],'models':[]}                      | models must be an object",
      "{'providers':[" + OAI + "],'circuitBreaker':{'failureThreshold':0}} | circuitBreaker.failureThreshold must be an integer >= 1",
      "{'providers':[" + OAI + "],'timeouts':{'totl':5}}            | Unknown config key 'timeouts.totl' (did you mean 'total'?)",
      "{'providers':[" + OAI + "],'timeouts':{'idle':0}}            | timeouts.idle must be an integer >= 1",
      "{'providers':[" + OAI + "],'retries':'2'}                    | retries must be an integer >= 0",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'http://h/v1','timeouts':{'connect':-5}}]} | providers[0].timeouts.connect must be an integer >= 1",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'http://h/v1','http2':'yes'}]} | providers[0].http2 must be a boolean",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'http://h/v1','htpp2':true}]} | Unknown config key 'providers[0].htpp2' (did you mean 'http2'?)",
      "{'providers':[{'name':'a','type':'openai','baseUrl':'http://h/v1','retires':1}]} | Unknown config key 'providers[0].retires' (did you mean 'retries'?)",
      "{'providers':[" + OAI + "],'shutdownTimeout':-1}             | shutdownTimeout must be an integer >= 0",
      "{'providers':[" + OAI + "],'eventLoops':0}                   | eventLoops must be an integer >= 1",
  })
  void aWrongConfigIsRefusedNamingTheField(String config, String message) {
    assertThatThrownBy(() -> apply(config)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void groupsAndTheCircuitBreakerAreRead() {
    GatewayOptions options = apply("{'providers':[" + OAI + "," + CLAUDE + "],'keys':[],'playground':true,"
        + "'circuitBreaker':{'failureThreshold':2,'coolDown':500},"
        + "'models':{'smart':{'strategy':'fallback','targets':[{'provider':'oai','model':'gpt-4o'},"
        + "{'provider':'claude','model':'claude-sonnet-4-5'}],'fallbackOn':['content_filter'],'timeout':2000,'retries':1},"
        + "'cheap':{'strategy':'weighted','targets':[{'provider':'oai','model':'a','weight':3},{'provider':'claude','model':'b'}]}}}");

    ModelGroup smart = options.modelGroup("smart");
    assertThat(smart.strategy()).isEqualTo(ModelGroup.Strategy.FALLBACK);
    assertThat(smart.targets()).containsExactly(new ModelGroup.Target("oai", "gpt-4o", 1),
        new ModelGroup.Target("claude", "claude-sonnet-4-5", 1));
    assertThat(smart.fallbackOn()).containsExactly("content_filter");
    assertThat(smart.timeout()).isEqualTo(2000L);
    assertThat(smart.retries()).isEqualTo(1);
    ModelGroup cheap = options.modelGroup("cheap");
    assertThat(cheap.strategy()).isEqualTo(ModelGroup.Strategy.WEIGHTED);
    assertThat(cheap.targets()).extracting(ModelGroup.Target::weight).containsExactly(3, 1);
    assertThat(cheap.timeout()).isNull();
    assertThat(options.getBreakerFailureThreshold()).isEqualTo(2);
    assertThat(options.getBreakerCoolDown()).isEqualTo(500);
  }

  @Test
  void ollamaTakesTheAddressOllamaPrints() {
    GatewayOptions options = apply("{'providers':[{'name':'home','type':'ollama','baseUrl':'http://127.0.0.1:11434'},"
        + "{'name':'slash','type':'Ollama','baseUrl':'http://127.0.0.1:11434/'},"
        + "{'name':'v1','type':'Ollama','baseUrl':'http://127.0.0.1:11434/v1'},"
        + "{'name':'native','type':'OllamaNative','baseUrl':'http://127.0.0.1:11434'}]}");

    assertThat(options.provider("home").client().getProviders().get(0).getBaseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
    assertThat(options.provider("slash").client().getProviders().get(0).getBaseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
    assertThat(options.provider("v1").client().getProviders().get(0).getBaseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
    assertThat(options.provider("native").client().getProviders().get(0).getBaseUrl()).as("the native API adds /api itself")
        .isEqualTo("http://127.0.0.1:11434");
  }

  @Test
  void http2IsSetPerProvider() {
    GatewayOptions options = apply("{'providers':[" + OAI + ",{'name':'h2c','type':'openai','baseUrl':'http://h/v1',"
        + "'http2':true}]}");

    assertThat(options.clientOptions(options.provider("h2c")).isHttp2()).isTrue();
    assertThat(options.clientOptions(options.provider("oai")).isHttp2()).as("HTTP/1.1 on http:// by default").isFalse();
  }

  @Test
  void timeoutsAndRetriesApplyPerGatewayAndPerProviderFieldByField() {
    GatewayOptions options = apply("{'timeouts':{'connect':1000,'idle':2000,'total':9000},'retries':1,'providers':["
        + OAI + ",{'name':'slow','type':'openai','baseUrl':'http://h/v1','timeouts':{'idle':60000},'retries':0}]}");

    var oai = options.clientOptions(options.provider("oai"));
    var slow = options.clientOptions(options.provider("slow"));
    assertThat(List.of(oai.getConnectTimeout(), oai.getIdleTimeout(), oai.getTotalTimeout(), (long) oai.getMaxRetries()))
        .containsExactly(1000L, 2000L, 9000L, 1L);
    assertThat(List.of(slow.getConnectTimeout(), slow.getIdleTimeout(), slow.getTotalTimeout(), (long) slow.getMaxRetries()))
        .containsExactly(1000L, 60000L, 9000L, 0L);
    assertThat(options.provider("oai").client().getIdleTimeout()).as("the configured options stay as given")
        .isEqualTo(ClientOptions.DEFAULT_IDLE_TIMEOUT);
  }

  @Test
  void flagsSetTimeoutsRetriesTheShutdownDeadlineAndEventLoops(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("g4f.json"), ("{'timeouts':{'connect':1000,'idle':2000},'retries':3,"
        + "'providers':[" + OAI + ",{'name':'own','type':'openai','baseUrl':'http://h/v1','timeouts':{'total':7000}}]}")
        .replace('\'', '"'));
    Main main = new Main(Map.of());
    new CommandLine(main).parseArgs("--config", config.toString(), "--timeout", "5000", "--idle-timeout", "1500",
        "--retries", "0",
        "--shutdown-timeout", "250", "--event-loops", "3");

    GatewayOptions options = main.options();

    var oai = options.clientOptions(options.provider("oai"));
    var own = options.clientOptions(options.provider("own"));
    assertThat(List.of(oai.getConnectTimeout(), oai.getIdleTimeout(), oai.getTotalTimeout(), (long) oai.getMaxRetries()))
        .as("flags beat the config's top level").containsExactly(1000L, 1500L, 5000L, 0L);
    assertThat(own.getTotalTimeout()).as("a provider's own entry beats the flags").isEqualTo(7000L);
    assertThat(options.getShutdownTimeout()).isEqualTo(250L);
    assertThat(options.getEventLoops()).isEqualTo(3);
  }

  @Test
  void mainStopsAtOnceWithTheMessageOnStandardError(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("g4f.json"),
        "{\"providers\":[{\"name\":\"oai\",\"type\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}],\"modles\":{}}");
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();

    int exit = new CommandLine(new Main(Map.of())).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true))
        .execute("--port", "0", "--config", config.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid configuration: Unknown config key 'modles' (did you mean 'models'?)");
    assertThat(out.toString()).isEmpty();
  }
}
