package io.g4f.client.typed;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.MethodScope;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * JSON schemas derived from Java and Kotlin types in the form OpenAI's strict mode accepts (for {@code response_format}
 * {@code json_schema} and for function tools), with victools' generator and its Jackson module:
 *
 * <ul>
 *   <li>the properties are what Jackson reads and writes (record components, fields, Kotlin properties), named as
 *       Jackson names them; {@code @JsonPropertyDescription} and {@code @JsonClassDescription} become
 *       {@code description}s (on a record component or a Kotlin constructor parameter too);</li>
 *   <li>every property is {@code required} and every object has {@code "additionalProperties": false};</li>
 *   <li>a property that may be absent is nullable: a Kotlin property of a nullable type ({@code String?}, read with
 *       {@code kotlin-reflect}), or one annotated {@code @Nullable} (JSpecify, Jakarta or any run-time annotation of
 *       that simple name) on its field or getter; its type becomes
 *       {@code ["string", "null"]} (or an {@code anyOf} with {@code {"type": "null"}});</li>
 *   <li>enums are strings with their {@code enum} values, lists and arrays are {@code array}s, nested types are
 *       {@code $defs} when used more than once.</li>
 * </ul>
 *
 * <p>Maps have no strict-mode form; a type whose schema is not an object (a list, an enum, a string) is refused, as
 * strict mode asks for an object at the top. Thread-safe; each call derives the schema anew, so
 * keep what it returns (as {@link StructuredOutput} and {@link TypedTool} do).
 */
public final class JsonSchemas {

  /** What strict mode allows in {@code json_schema.name} and a function's name. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final ObjectMapper DEFAULT_MAPPER = JsonMapper.builder().findAndAddModules().build();

  private JsonSchemas() {
  }

  /**
   * The mapper typed answers are read with unless one is given: Jackson's defaults and every module found on the
   * class path ({@code jackson-module-kotlin}, say, for Kotlin data classes with defaults and nullable properties).
   */
  public static ObjectMapper defaultMapper() {
    return DEFAULT_MAPPER;
  }

  /** The strict schema of {@code type}, with {@link #defaultMapper()}; see {@link #strict(Type, ObjectMapper)}. */
  public static Map<String, Object> strict(Type type) {
    return strict(type, DEFAULT_MAPPER);
  }

  /**
   * The strict schema of {@code type} (a class, or a parameterized type), its properties as {@code mapper} sees them,
   * as a new mutable map each call.
   *
   * @throws IllegalArgumentException when the schema of {@code type} is not an object
   */
  public static Map<String, Object> strict(Type type, ObjectMapper mapper) {
    return derive(type, mapper);
  }

  /**
   * {@code name} if strict mode takes it as a schema or function name ({@code [A-Za-z0-9_-]}, 1 to 64 characters).
   *
   * @throws IllegalArgumentException otherwise
   */
  static String checkedName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a valid schema or function name: it must be 1 to 64 "
          + "letters, digits, '_' or '-'");
    }
    return name;
  }

  private static Map<String, Object> derive(Type type, ObjectMapper mapper) {
    SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(mapper, SchemaVersion.DRAFT_2020_12,
        OptionPreset.PLAIN_JSON)
        .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_ORDER))
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
        .without(Option.SCHEMA_VERSION_INDICATOR, Option.FLATTENED_OPTIONALS, Option.FLATTENED_SUPPLIERS);
    config.forTypesInGeneral()
        // Fields (record components) in the order they are declared, then getters: what the model writes first.
        .withPropertySorter((one, other) -> Boolean.compare(one instanceof MethodScope, other instanceof MethodScope))
        .withCustomDefinitionProvider((resolved, context) -> enumDefinition(resolved.getErasedType(), mapper));
    config.forFields()
        .withRequiredCheck(field -> true)
        .withNullableCheck(JsonSchemas::nullable)
        .withDescriptionResolver(field -> parameterDescription(field, mapper));
    JsonNode schema = new SchemaGenerator(config.build()).generateSchema(type);
    if (!(schema instanceof ObjectNode object) || !"object".equals(object.path("type").asText())) {
      throw new IllegalArgumentException(type.getTypeName() + " is not an object type (a record, a class or a data "
          + "class): strict mode needs an object at the top of a schema, and its schema is " + schema);
    }
    return mapper.convertValue(schema, new TypeReference<Map<String, Object>>() { });
  }

  /**
   * An enum as a string of the values {@code mapper} writes ({@code @JsonProperty} and {@code @JsonValue} honoured);
   * null for another type.
   */
  private static @Nullable CustomDefinition enumDefinition(Class<?> type, ObjectMapper mapper) {
    if (!type.isEnum()) {
      return null;
    }
    ObjectNode definition = mapper.createObjectNode().put("type", "string");
    ArrayNode values = definition.putArray("enum");
    for (Object constant : type.getEnumConstants()) {
      values.add(mapper.valueToTree(constant));
    }
    return new CustomDefinition(definition, CustomDefinition.DefinitionType.INLINE,
        CustomDefinition.AttributeInclusion.NO);
  }

  /**
   * Whether a field is nullable: of a Kotlin property of a nullable type, or marked by a declaration or type-use
   * annotation named {@code Nullable} on it or on its getter.
   */
  private static boolean nullable(FieldScope field) {
    if (field.getRawMember() == null || field.getType().getErasedType().isPrimitive()) {
      return false;
    }
    MethodScope getter = field.findGetter();
    return KotlinNullability.nullable(field.getRawMember())
        || named(field.getRawMember().getAnnotations())
        || named(field.getRawMember().getAnnotatedType().getAnnotations())
        || getter != null && getter.getRawMember() != null && (named(getter.getRawMember().getAnnotations())
            || named(getter.getRawMember().getAnnotatedReturnType().getAnnotations()));
  }

  private static boolean named(Annotation[] annotations) {
    for (Annotation annotation : annotations) {
      if (annotation.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code @JsonPropertyDescription} of the creator parameter of a field's property, where Kotlin puts an
   * annotation written on a constructor property unless told {@code @field:}.
   */
  private static @Nullable String parameterDescription(FieldScope field, ObjectMapper mapper) {
    if (field.getRawMember() == null) {
      return null;
    }
    BeanDescription bean = mapper.getDeserializationConfig()
        .introspect(mapper.constructType(field.getDeclaringType().getErasedType()));
    for (BeanPropertyDefinition property : bean.findProperties()) {
      AnnotatedParameter parameter = property.getConstructorParameter();
      if (parameter != null && property.getField() != null
          && property.getField().getName().equals(field.getRawMember().getName())) {
        JsonPropertyDescription description = parameter.getAnnotation(JsonPropertyDescription.class);
        return description == null ? null : description.value();
      }
    }
    return null;
  }
}
