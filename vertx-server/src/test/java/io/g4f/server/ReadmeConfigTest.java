package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.server.config.ConfigFile;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.TeamKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's config example is a config the gateway starts with: providers, a model group, prices and a budget. */
class ReadmeConfigTest {

  private static final Pattern JSON = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

  @Test
  void theReadmesConfigExampleIsAcceptedWithItsPricesAndBudget(@TempDir Path dir) throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher blocks = JSON.matcher(readme);
    String example = null;
    while (blocks.find() && example == null) {
      example = blocks.group(1).contains("\"prices\"") ? blocks.group(1) : null;
    }
    assertThat(example).as("a README config with prices").isNotNull();
    Path file = Files.writeString(dir.resolve("g4f.json"), example);

    GatewayOptions options = new GatewayOptions().applyConfig(ConfigFile.read(file, Map.of("OPENAI_API_KEY", "sk",
        "ANTHROPIC_API_KEY", "ak", "TEAM_A_KEY", "team-a-key")));
    options.getTeamKeys().checkAgainst(options);

    TeamKeys.TeamKey team = options.getTeamKeys().named("team-a");
    assertThat(team.budget()).isEqualTo(new TeamKeys.Budget(50, 30));
    assertThat(options.getPrices().find("home", "llama3.2")).isNotNull();
    assertThat(options.getPrices().find("oai", "gpt-4o").cachedInput()).isEqualTo(1.25);
  }
}
