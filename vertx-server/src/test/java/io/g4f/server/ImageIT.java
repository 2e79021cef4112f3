package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The container image Jib wrote ({@code -Pimage}): its configuration, read from the tarball's {@code manifest.json}
 * and the config it names, runs {@link Main} as a non-root user on port 1337, listening on every interface.
 */
class ImageIT {

  @Test
  void theImageRunsTheGatewayAsANonRootUserOnPort1337() throws IOException {
    Map<String, byte[]> files = entries(Path.of(System.getProperty("g4f.image.tar")));
    JsonObject manifest = new JsonArray(new String(files.get("manifest.json"), StandardCharsets.UTF_8)).getJsonObject(0);
    JsonObject config = new JsonObject(new String(files.get(manifest.getString("Config")), StandardCharsets.UTF_8))
        .getJsonObject("config");

    assertThat(config.getJsonArray("Entrypoint").getList()).contains("java").contains("io.g4f.server.Main")
        .contains("-XX:+UseSerialGC", "-Xms64m", "-XX:TrimNativeHeapInterval=1000", "-XX:MaxRAMPercentage=75");
    assertThat(config.getString("User")).isEqualTo("10001:10001");
    assertThat(config.getJsonObject("ExposedPorts").fieldNames()).containsExactly("1337/tcp");
    assertThat(config.getJsonArray("Env").getList()).contains("G4F_HOST=0.0.0.0", "G4F_PORT=1337");
    assertThat(manifest.getJsonArray("RepoTags").getList()).allMatch(tag -> tag.toString().startsWith("g4f-vertx/gateway:"));
  }

  /** The regular files of a (ustar) tarball by name. */
  private static Map<String, byte[]> entries(Path tar) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    try (InputStream in = Files.newInputStream(tar)) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = new String(header, 0, 100, StandardCharsets.US_ASCII).trim().replace("\0", "");
        long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).trim().replace("\0", ""), 8);
        byte[] body = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (header[156] == '0' || header[156] == 0) {
          files.put(name, body);
        }
      }
    }
    return files;
  }
}
