package io.g4f.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import io.g4f.server.config.ConfigFile;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.LedgerOptions;
import io.g4f.server.config.UpstreamLimits;
import io.g4f.server.observability.Observability;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code java -jar g4f-server.jar}: starts the gateway; flags fall back to {@code G4F_*} environment variables. */
@Command(name = "g4f-server", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
    description = "Serves chat completions and images as an OpenAI-compatible HTTP API and on the event bus.")
public final class Main implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "${env:G4F_HOST:-127.0.0.1}",
      description = "Interface to listen on (env G4F_HOST; default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "${env:G4F_PORT:-1337}",
      description = "Port to listen on (env G4F_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--config", defaultValue = "${env:G4F_CONFIG}", paramLabel = "FILE",
      description = "JSON config file with providers, model groups, keys, defaultProvider, imageProvider "
          + "(env G4F_CONFIG); a wrong one stops the start with exit code 2.")
  Path config;

  @Option(names = "--api-key", defaultValue = "${env:G4F_API_KEY}", paramLabel = "KEY",
      description = "Key clients must send as a bearer token (env G4F_API_KEY); open when unset.")
  String apiKey;

  @Option(names = "--trust-forwarded-for", defaultValue = "${env:G4F_TRUST_FORWARDED_FOR:-false}",
      description = "Take the last X-Forwarded-For entry as the caller's address, for per-address rate limits; only "
          + "behind a proxy that sets it (env G4F_TRUST_FORWARDED_FOR; config trustForwardedFor).")
  boolean trustForwardedFor;

  @Option(names = "--timeout", defaultValue = "${env:G4F_TIMEOUT}", paramLabel = "MS",
      description = "Longest upstream call, retries and streaming included, in ms (env G4F_TIMEOUT; config "
          + "timeouts.total; a provider's own config entry wins; default 600000).")
  Long totalTimeout;

  @Option(names = "--idle-timeout", defaultValue = "${env:G4F_IDLE_TIMEOUT}", paramLabel = "MS",
      description = "Longest upstream silence before its answer or between chunks, in ms (env G4F_IDLE_TIMEOUT; "
          + "config timeouts.idle; default 120000).")
  Long idleTimeout;

  @Option(names = "--first-byte-timeout", defaultValue = "${env:G4F_FIRST_BYTE_TIMEOUT}", paramLabel = "MS",
      description = "Longest wait of one upstream attempt for its first byte (a stream's first chunk, a whole "
          + "answer's first bytes) before the next target is tried, in ms; 0 for none (env G4F_FIRST_BYTE_TIMEOUT; "
          + "config timeouts.firstByte; default 0).")
  Long firstByteTimeout;

  @Option(names = "--connect-timeout", defaultValue = "${env:G4F_CONNECT_TIMEOUT}", paramLabel = "MS",
      description = "Time to connect to an upstream, in ms (env G4F_CONNECT_TIMEOUT; config timeouts.connect; "
          + "default 10000).")
  Long connectTimeout;

  @Option(names = "--retries", defaultValue = "${env:G4F_RETRIES}", paramLabel = "N",
      description = "Retries of a failed upstream call before its first chunk (env G4F_RETRIES; config retries; "
          + "default 2).")
  Integer retries;

  @Option(names = "--shutdown-timeout", defaultValue = "${env:G4F_SHUTDOWN_TIMEOUT}", paramLabel = "MS",
      description = "On stop, how long running requests and streams may take to finish before they are cut "
          + "(env G4F_SHUTDOWN_TIMEOUT; config shutdownTimeout; default 30000).")
  Long shutdownTimeout;

  @Option(names = "--event-loops", defaultValue = "${env:G4F_EVENT_LOOPS}", paramLabel = "N",
      description = "Event loops serving HTTP, each with its own connections to the providers (env G4F_EVENT_LOOPS; "
          + "config eventLoops; default: one per processor).")
  Integer eventLoops;

  @Option(names = "--allowed-private-image-hosts", defaultValue = "${env:G4F_ALLOWED_PRIVATE_IMAGE_HOSTS}",
      split = ",", paramLabel = "HOST|IP|CIDR,...", description = "Private hosts a caller's image URL may reach when "
      + "the gateway downloads it; by default only public addresses (env G4F_ALLOWED_PRIVATE_IMAGE_HOSTS; config "
      + "allowedPrivateImageHosts, which this replaces).")
  List<String> allowedPrivateImageHosts;

  @Option(names = "--tcp-bridge-port", defaultValue = "${env:G4F_TCP_BRIDGE_PORT:--1}", paramLabel = "N",
      description = "Port of the TCP event-bus bridge on --host (env G4F_TCP_BRIDGE_PORT); off unless set.")
  int tcpBridgePort;

  @Option(names = "--no-playground", defaultValue = "${env:G4F_NO_PLAYGROUND:-false}",
      description = "Do not serve the web playground at / (env G4F_NO_PLAYGROUND).")
  boolean noPlayground;

  @Option(names = "--cluster", defaultValue = "${env:G4F_CLUSTER:-false}",
      description = "Join the other gateway nodes' event bus: a Hazelcast cluster over TCP/IP, no multicast (env G4F_CLUSTER).")
  boolean cluster;

  @Option(names = "--cluster-host", defaultValue = "${env:G4F_CLUSTER_HOST:-127.0.0.1}", paramLabel = "HOST",
      description = "Interface for cluster traffic, Hazelcast and the event bus (env G4F_CLUSTER_HOST; default ${DEFAULT-VALUE}).")
  String clusterHost;

  @Option(names = "--cluster-port", defaultValue = "${env:G4F_CLUSTER_PORT:-5701}", paramLabel = "N",
      description = "Hazelcast port, the next free one if taken (env G4F_CLUSTER_PORT; default ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--cluster-members", defaultValue = "${env:G4F_CLUSTER_MEMBERS:-127.0.0.1}", split = ",",
      paramLabel = "HOST[:PORT],...", description = "Where to find the other nodes (env G4F_CLUSTER_MEMBERS; "
      + "default ${DEFAULT-VALUE}; a host without a port means ports 5701-5703).")
  List<String> clusterMembers;

  @Option(names = "--log-format", defaultValue = "${env:G4F_LOG_FORMAT:-text}", paramLabel = "text|json",
      description = "Log lines as readable text or one JSON object a line (env G4F_LOG_FORMAT; default ${DEFAULT-VALUE}).")
  LogFormat logFormat;

  /** The formats of {@code --log-format}: the names of the appenders of {@code logback.xml}. */
  enum LogFormat { text, json }

  @Spec
  CommandSpec spec;

  private final Map<String, String> env;

  Main(Map<String, String> env) {
    this.env = env;
  }

  /** Parses the command line and runs the gateway until the JVM is stopped. */
  public static void main(String[] args) {
    int exit = new CommandLine(new Main(System.getenv())).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    configureLogging(logFormat);
    GatewayOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("Invalid configuration: " + e.getMessage());
      return 2;
    }
    Observability observability = Observability.fromEnvironment(env);
    options.setMeterRegistry(observability.registry()).setOpenTelemetry(observability.openTelemetry());
    Vertx vertx;
    try {
      vertx = cluster ? Clustering.vertx(observability, clusterHost,
          Clustering.hazelcast(clusterHost, clusterPort, clusterMembers)).await(60, TimeUnit.SECONDS)
          : observability.vertxBuilder(new VertxOptions()).build();
    } catch (Exception e) {
      spec.commandLine().getErr().println("Cannot join the cluster: " + e.getMessage());
      observability.close();
      return 1;
    }
    try {
      vertx.deployVerticle(new GatewayVerticle(options)).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      spec.commandLine().getErr().println("Cannot start the gateway: " + e.getMessage());
      vertx.close().onComplete(closed -> observability.close());
      return 1;
    }
    long deadline = options.getShutdownTimeout() + 15_000;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(deadline, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        System.err.println("Unclean shutdown: the gateway did not stop within " + deadline + " ms (" + e + ")");
      }
      observability.close();
    }, "g4f-shutdown"));
    return 0;
  }

  /**
   * Makes Logback write {@code format} ({@code logback.xml} reads the system property {@code g4f.log.format}), and
   * sends {@code java.util.logging} records to SLF4J.
   */
  static void configureLogging(LogFormat format) {
    System.setProperty("g4f.log.format", format.name());
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      try {
        new ContextInitializer(context).autoConfig();
      } catch (JoranException e) {
        throw new IllegalStateException("logback.xml: " + e.getMessage(), e);
      }
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /** {@code -V}: the version Maven built. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("/g4f-version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"g4f-server " + properties.getProperty("version", "unknown")};
    }
  }

  GatewayOptions options() {
    GatewayOptions options = GatewayOptions.fromEnvironment(env).setHost(host).setPort(port).setApiKey(apiKey)
        .setTcpBridgePort(tcpBridgePort).setPlayground(!noPlayground).setTrustForwardedFor(trustForwardedFor)
        .setLedger(new LedgerOptions().setUrl(env.get("G4F_LEDGER_URL")));
    if (config != null) {
      options.applyConfig(ConfigFile.read(config, env));
    }
    UpstreamLimits flags = new UpstreamLimits(connectTimeout, idleTimeout, totalTimeout, retries, firstByteTimeout);
    if (flags.connect() != null && flags.connect() < 1 || flags.idle() != null && flags.idle() < 1
        || flags.total() != null && flags.total() < 1 || flags.retries() != null && flags.retries() < 0
        || flags.firstByte() != null && flags.firstByte() < 0) {
      throw new IllegalArgumentException("--connect-timeout, --idle-timeout and --timeout must be positive, "
          + "--retries and --first-byte-timeout 0 or more");
    }
    options.setUpstreamLimits(flags.over(options.getUpstreamLimits()));
    if (shutdownTimeout != null) {
      options.setShutdownTimeout(shutdownTimeout);
    }
    if (eventLoops != null) {
      options.setEventLoops(eventLoops);
    }
    if (allowedPrivateImageHosts != null) {
      options.setAllowedPrivateImageHosts(allowedPrivateImageHosts);
    }
    options.getTeamKeys().checkAgainst(options);
    return options;
  }
}
