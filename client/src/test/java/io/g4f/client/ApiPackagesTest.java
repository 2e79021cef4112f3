package io.g4f.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's public API by concern: the API packages (the root with the clients and options, {@code chat},
 * {@code images}, {@code embeddings}, {@code messages}, {@code errors}, {@code typed}) show nothing of the provider toolkit or of
 * {@code impl}, the exceptions stand alone, and the API packages do not depend on each other in a cycle.
 */
@AnalyzeClasses(packages = "io.g4f.client", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiPackagesTest {

  private static final String[] API = {"io.g4f.client", "io.g4f.client.chat", "io.g4f.client.images",
      "io.g4f.client.embeddings", "io.g4f.client.messages", "io.g4f.client.errors", "io.g4f.client.typed"};

  /**
   * What a caller of a public class sees (its supertypes, and the types of its public and protected fields,
   * constructors and methods, type arguments included) names no type of {@code impl} or {@code spi.toolkit}. Its
   * code may still call into them: {@code AsyncClient.create} makes a {@code DefaultAsyncClient}.
   */
  @ArchTest
  static final ArchRule API_SIGNATURES_SHOW_NO_INTERNALS = classes().that().resideInAnyPackage(API)
      .and().arePublic()
      .should(new ArchCondition<>("name no type of io.g4f.client.impl or io.g4f.client.spi.toolkit in their API") {
        @Override
        public void check(JavaClass type, ConditionEvents events) {
          List<String> shown = new ArrayList<>();
          type.getRawSuperclass().ifPresent(superclass -> internal(superclass, "superclass", shown));
          type.getInterfaces().forEach(face -> involved(face, "interface", shown));
          for (JavaMember member : type.getMembers()) {
            if (!member.getModifiers().contains(JavaModifier.PUBLIC)
                && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
              continue;
            }
            if (member instanceof JavaField field) {
              involved(field.getType(), field.getFullName(), shown);
            } else if (member instanceof JavaCodeUnit code) {
              involved(code.getReturnType(), code.getFullName() + " returns", shown);
              code.getParameterTypes().forEach(parameter -> involved(parameter, code.getFullName() + " takes", shown));
              code.getThrowsClause().getTypes().forEach(thrown -> internal(thrown, code.getFullName() + " throws",
                  shown));
            }
          }
          events.add(new SimpleConditionEvent(type, shown.isEmpty(),
              shown.isEmpty() ? type.getName() + " shows no internal type" : String.join("\n", shown)));
        }
      });

  /**
   * Nor does their code use the toolkit, which is for providers: the toolkit uses the API's types, not the other way
   * round (the data types read and write JSON with whatever mapper reads them).
   */
  @ArchTest
  static final ArchRule API_USES_NO_TOOLKIT = noClasses().that().resideInAnyPackage(API)
      .should().dependOnClassesThat().resideInAPackage("io.g4f.client.spi.toolkit..");

  /** The exceptions depend on the JDK, Vert.x, Jackson, JSpecify's nullness annotations and each other only. */
  @ArchTest
  static final ArchRule ERRORS_STAND_ALONE = classes().that().resideInAPackage("io.g4f.client.errors")
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.vertx..", "com.fasterxml.jackson..",
          "org.jspecify..", "io.g4f.client.errors");

  /** No cycle among the API packages: chat, images, embeddings, messages, errors and typed. */
  @ArchTest
  static final ArchRule NO_CYCLE_AMONG_API_PACKAGES = slices().assignedFrom(new SliceAssignment() {
    private final Pattern api = Pattern.compile("io\\.g4f\\.client\\.(chat|images|embeddings|messages|errors|typed)");

    @Override
    public SliceIdentifier getIdentifierOf(JavaClass type) {
      Matcher matcher = api.matcher(type.getPackageName());
      return matcher.matches() ? SliceIdentifier.of(matcher.group(1)) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the API packages chat, images, embeddings, messages, errors and typed";
    }
  }).should().beFreeOfCycles();

  private static void involved(JavaType type, String where, List<String> shown) {
    type.getAllInvolvedRawTypes().forEach(raw -> internal(raw, where, shown));
  }

  private static void internal(JavaClass raw, String where, List<String> shown) {
    JavaClass base = raw.isArray() ? raw.getBaseComponentType() : raw;
    String name = base.getPackageName();
    if (name.equals("io.g4f.client.impl") || name.startsWith("io.g4f.client.impl.")
        || name.equals("io.g4f.client.spi.toolkit") || name.startsWith("io.g4f.client.spi.toolkit.")) {
      shown.add(where + " " + base.getName());
    }
  }
}
