package io.g4f.client.typed;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The types whose schemas the tests compare with golden ones. */
final class SchemaTypes {

  private SchemaTypes() {
  }

  /** A flat record: a string, a number, a boolean, and a nullable string. */
  @JsonClassDescription("A person the model invents")
  record Person(@JsonPropertyDescription("full name") String name, int age, boolean member,
                @Nullable String email) {
  }

  /** An enum, with one constant renamed. */
  enum Role {
    ADMIN, @JsonProperty("plain-user") USER
  }

  /** A nested type used twice (so a definition), a list of them, an enum, a list of strings. */
  record Team(String name, Role lead, Address office, @Nullable Address backup, List<Address> sites,
              List<String> tags) {
  }

  /** A nullable enum. */
  record Shift(@Nullable Role role) {
  }

  /** The nested type. */
  record Address(String street, String city) {
  }

  /** A plain class with a getter, a public field and an ignored field. */
  static final class Ticket {
    @JsonPropertyDescription("what went wrong")
    public String title;
    private Integer priority;
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String internal;

    public Integer getPriority() {
      return priority;
    }

    public void setPriority(Integer priority) {
      this.priority = priority;
    }
  }

  /** A tool's arguments. */
  @JsonClassDescription("The current weather in a city")
  record GetWeather(@JsonPropertyDescription("the city, e.g. Paris") String city,
                    @JsonPropertyDescription("celsius or fahrenheit") @Nullable String unit) {
  }
}
