package io.g4f.client.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.testing.ScriptedServer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Schemas derived from types, compared with the golden ones in {@code src/test/resources/schemas}. */
class JsonSchemasTest {

  private static JsonNode golden(String name) throws Exception {
    return JsonSchemas.defaultMapper().readTree(ScriptedServer.resource("schemas/" + name + ".json"));
  }

  private static JsonNode derived(Class<?> type) {
    return JsonSchemas.defaultMapper().valueToTree(JsonSchemas.strict(type));
  }

  @ParameterizedTest
  @ValueSource(classes = {SchemaTypes.Person.class, SchemaTypes.Team.class, SchemaTypes.Ticket.class,
      SchemaTypes.GetWeather.class})
  void matchesTheGoldenSchema(Class<?> type) throws Exception {
    assertThat(derived(type)).isEqualTo(golden(type.getSimpleName()));
  }

  /** The rules of strict mode, checked on every object of every golden schema, nested definitions included. */
  @ParameterizedTest
  @ValueSource(strings = {"Person", "Team", "Ticket", "GetWeather"})
  void everyObjectRequiresEveryPropertyAndNoOther(String name) throws Exception {
    List<JsonNode> objects = golden(name).findParents("properties");
    assertThat(objects).isNotEmpty();
    for (JsonNode object : objects) {
      assertThat(object.get("additionalProperties").asBoolean(true)).isFalse();
      List<String> properties = names(object.get("properties").fieldNames());
      assertThat(object.get("required")).extracting(JsonNode::asText).containsExactlyElementsOf(properties);
    }
  }

  @Test
  void nullablePropertiesMayBeNullOthersMayNot() throws Exception {
    JsonNode team = derived(SchemaTypes.Team.class).get("properties");
    assertThat(team.at("/backup/anyOf/0/type").asText()).isEqualTo("null");
    assertThat(team.at("/office/anyOf").isMissingNode()).isTrue();
    JsonNode person = derived(SchemaTypes.Person.class).get("properties");
    assertThat(person.at("/email/type")).extracting(JsonNode::asText).containsExactly("string", "null");
    assertThat(person.at("/name/type").asText()).isEqualTo("string");
  }

  @Test
  void enumValuesAreTheOnesJacksonWrites() {
    assertThat(derived(SchemaTypes.Team.class).at("/properties/lead/enum")).extracting(JsonNode::asText)
        .containsExactly("ADMIN", "plain-user");
  }

  @Test
  void aNullableEnumMayBeNull() throws Exception {
    assertThat(derived(SchemaTypes.Shift.class).at("/properties/role")).isEqualTo(JsonSchemas.defaultMapper()
        .readTree("{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"string\",\"enum\":[\"ADMIN\",\"plain-user\"]}]}"));
    assertThat(StructuredOutput.of(SchemaTypes.Shift.class).parse("{\"role\":null}").role()).isNull();
  }

  @Test
  void eachCallGivesANewMap() {
    Map<String, Object> schema = JsonSchemas.strict(SchemaTypes.Person.class);
    schema.clear();
    assertThat(JsonSchemas.strict(SchemaTypes.Person.class)).containsKey("properties");
  }

  @ParameterizedTest
  @ValueSource(classes = {String.class, List.class, SchemaTypes.Role.class, int.class})
  void aTypeThatIsNotAnObjectIsRefused(Class<?> type) {
    assertThatThrownBy(() -> JsonSchemas.strict(type)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an object type").hasMessageContaining(type.getTypeName());
  }

  private static List<String> names(Iterator<String> iterator) {
    List<String> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }
}
