package io.g4f.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The gateway's packages, as {@code docs/architecture.md} draws them: the root (the verticle, {@code Main}, clustering)
 * wires the rest and nothing imports it; each API package stands alone; the concerns form layers without a cycle
 * ({@code config} under everything, then {@code observability}, {@code routing}, {@code access}, {@code spend},
 * {@code wire}, the {@code pipeline}, the APIs, and the transports {@code http} and {@code eventbus} on top); and only
 * the client's public API and SPI are used, never its {@code impl}.
 */
@AnalyzeClasses(packages = "io.g4f.server", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {

  private static final String ROOT = "io.g4f.server";

  @ArchTest
  static final ArchRule nothingImportsTheRoot = noClasses().that().resideOutsideOfPackage(ROOT)
      .should().dependOnClassesThat().resideInAPackage(ROOT)
      .because("the root wires the gateway together; a concern that reached back into it would knot them again");

  @ArchTest
  static final ArchRule noApiImportsAnother = slices().matching("io.g4f.server.api.(*)..")
      .should().notDependOnEachOther()
      .because("an API is one codec; what two APIs share belongs to the pipeline");

  @ArchTest
  static final ArchRule noPackageCycle = slices().matching("io.g4f.server.(**)")
      .should().beFreeOfCycles();

  @ArchTest
  static final ArchRule configDependsOnNoOtherConcern = noClasses().that().resideInAPackage(ROOT + ".config..")
      .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".access..", ROOT + ".routing..",
          ROOT + ".observability..", ROOT + ".spend..", ROOT + ".pipeline..", ROOT + ".api..", ROOT + ".http..",
          ROOT + ".eventbus..");

  @ArchTest
  static final ArchRule spendSitsOnAccessAlone = noClasses().that().resideInAPackage(ROOT + ".spend..")
      .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".routing..", ROOT + ".wire..", ROOT + ".pipeline..")
      .because("spend prices, limits and records what the pipeline hands it; it takes part in no call flow");

  @ArchTest
  static final ArchRule theCallFlowKnowsNoApiOrTransport = noClasses()
      .that().resideInAnyPackage(ROOT + ".pipeline..", ROOT + ".wire..", ROOT + ".routing..", ROOT + ".access..",
          ROOT + ".spend..", ROOT + ".observability..")
      .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".http..", ROOT + ".eventbus..")
      .because("an API or a transport plugs into the pipeline; the pipeline does not name them");

  @ArchTest
  static final ArchRule apisKnowNoTransport = noClasses().that().resideInAPackage(ROOT + ".api..")
      .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".http..", ROOT + ".eventbus..")
      .because("an API says how its calls look, a transport how they travel");

  @ArchTest
  static final ArchRule onlyTheClientsPublicApi = noClasses().that().resideInAPackage(ROOT + "..")
      .should().dependOnClassesThat().resideInAPackage("io.g4f.client.impl..")
      .because("the gateway is an ordinary user of the client library");
}
