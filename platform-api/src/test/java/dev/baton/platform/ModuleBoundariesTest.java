package dev.baton.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.baton.engine.api.definition.TaskType;
import org.junit.jupiter.api.Test;

/** The dependency rules of docs/architecture.md, checked on the compiled classes of every module. */
class ModuleBoundariesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.baton");

    @Test
    void theEnginesPublicApiDependsOnNothingInternal() {
        noClasses().that().resideInAPackage("dev.baton.engine.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.baton.engine.internal..")
                .check(CLASSES);
    }

    @Test
    void thePlatformUsesTheEngineOnlyThroughItsApi() {
        noClasses().that().resideInAPackage("dev.baton.platform..")
                .should().dependOnClassesThat().resideInAPackage("dev.baton.engine.internal..")
                .check(CLASSES);
    }

    @Test
    void theEngineKnowsNothingOfTheWebOrTheDatabaseSetup() {
        noClasses().that().resideInAPackage("dev.baton.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.platform..",
                        "org.springframework.web..", "jakarta.servlet..")
                .check(CLASSES);
    }

    @Test
    void theEngineAndAuthzKnowNothingOfEachOther() {
        noClasses().that().resideInAPackage("dev.baton.engine..")
                .should().dependOnClassesThat().resideInAPackage("dev.baton.authz..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.baton.authz..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine..", "dev.baton.platform..")
                .check(CLASSES);
    }

    @Test
    void theConsoleActsOnlyThroughThePublicApi() {
        // it reads who is signed in from authz; everything else goes through the REST API with the person's token
        noClasses().that().resideInAPackage("dev.baton.console..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine..", "dev.baton.catalog..",
                        "dev.baton.connections..", "dev.baton.tasks..", "dev.baton.platform..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("dev.baton.console..").and()
                .resideOutsideOfPackage("dev.baton.platform")
                .should().dependOnClassesThat().resideInAPackage("dev.baton.console..")
                .check(CLASSES);
    }

    @Test
    void eventsUseTheEngineThroughItsApiAndSpiAndAreUsedThroughTheirPublicFace() {
        noClasses().that().resideInAPackage("dev.baton.events..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine.internal..",
                        "dev.baton.authz..", "dev.baton.platform..", "org.springframework.web..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("dev.baton.events..")
                .should().dependOnClassesThat().resideInAPackage("dev.baton.events.internal..")
                .check(CLASSES);
    }

    @Test
    void metersAndTheSearchIndexSeeOnlyTheEnginesApiAndSpi() {
        noClasses().that().resideInAnyPackage("dev.baton.metrics..", "dev.baton.searchindex..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine.internal..",
                        "dev.baton.authz..", "dev.baton.platform..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.baton.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.metrics..", "dev.baton.searchindex..",
                        "io.micrometer..", "org.opensearch..")
                .check(CLASSES);
    }

    @Test
    void tenancyDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.baton.tenancy..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine..", "dev.baton.platform..",
                        "dev.baton.authz..")
                .check(CLASSES);
    }

    @Test
    void theEngineNamesNoTaskTypeOutsideTheTypesOwnHandlers() {
        // a task type is one handler class; the decider, scheduler, validator and executors only ask the registry
        noClasses().that().resideInAnyPackage("dev.baton.engine.internal..", "dev.baton.engine.spi..",
                        "dev.baton.engine")
                .and().resideOutsideOfPackage("dev.baton.engine.internal.tasks..")
                .should().accessClassesThat().belongToAnyOf(TaskType.class)
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.baton.platform..")
                .should().accessClassesThat().belongToAnyOf(TaskType.class)
                .because("the platform asks the engine's TaskTypes which types run in the server")
                .check(CLASSES);
    }

    @Test
    void taskHandlersUseOnlyTheTaskSpiAndTheEnginesApi() {
        noClasses().that().resideInAPackage("dev.baton.engine.internal.tasks..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine.internal.execution..",
                        "dev.baton.engine.internal.definition..", "dev.baton.engine.internal.timer..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.baton.tasks..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine.internal..",
                        "dev.baton.platform..", "dev.baton.authz..")
                .check(CLASSES);
    }

    @Test
    void theEnginesInternalPackagesHaveNoCycles() {
        slices().matching("dev.baton.engine.internal.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
