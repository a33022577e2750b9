package dev.trailrouter.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages tell the story and depend one way: intake → decode → event, deliver beside decode; the ledger, the
 * state stores (dedup, checkpoints), config and observe below them all; the demo outside the production path. Checked on the compiled production classes.
 */
class DependencyRulesTest {

    static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.trailrouter");
    }

    static void check(ArchRule rule) {
        rule.check(production);
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("dev.trailrouter.(*)..").should().beFreeOfCycles());
    }

    @Test
    void deliverNeverImportsIntakeOrDecode() {
        check(noClasses().that().resideInAPackage("dev.trailrouter.deliver..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trailrouter.intake..", "dev.trailrouter.decode.."));
    }

    @Test
    void decodeNeverImportsIntakeOrDeliver() {
        check(noClasses().that().resideInAPackage("dev.trailrouter.decode..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trailrouter.intake..", "dev.trailrouter.deliver.."));
    }

    @Test
    void theEventModelAndTheLedgerDependOnNothingOfOurs() {
        check(noClasses().that().resideInAnyPackage("dev.trailrouter.event..", "dev.trailrouter.ledger..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trailrouter.intake..", "dev.trailrouter.decode..",
                        "dev.trailrouter.deliver..", "dev.trailrouter.config..", "dev.trailrouter.observe..",
                        "dev.trailrouter.demo.."));
    }

    @Test
    void theStateStoresServeEveryStageAndImportNone() {
        check(noClasses().that().resideInAPackage("dev.trailrouter.state..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trailrouter.intake..", "dev.trailrouter.decode..",
                        "dev.trailrouter.deliver..", "dev.trailrouter.demo..", "dev.trailrouter.cli.."));
    }

    @Test
    void configAndObserveServeEveryStageAndImportNone() {
        check(noClasses().that().resideInAnyPackage("dev.trailrouter.config..", "dev.trailrouter.observe..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trailrouter.intake..", "dev.trailrouter.decode..",
                        "dev.trailrouter.deliver..", "dev.trailrouter.demo.."));
    }

    @Test
    void onlyTheCommandLineReachesTheDemo() {
        check(noClasses().that().resideOutsideOfPackages("dev.trailrouter.demo..", "dev.trailrouter.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.trailrouter.demo.."));
    }
}
