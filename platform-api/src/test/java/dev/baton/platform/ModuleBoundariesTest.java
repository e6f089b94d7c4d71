package dev.baton.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
    void tenancyDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.baton.tenancy..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine..", "dev.baton.platform..",
                        "dev.baton.authz..")
                .check(CLASSES);
    }

    @Test
    void theEnginesInternalPackagesHaveNoCycles() {
        slices().matching("dev.baton.engine.internal.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
