package io.tern.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every place in Tern's main code that loads a class by name or constructs an object
 * reflectively, found in the compiled classes of every module. A place that loads a class by
 * name must consult the class policy in the same method, before it loads; the few that load a
 * name fixed in the code are listed below with the reason. Every reflective construction is
 * listed with the reason its class is safe to make. A new place fails this test until it passes
 * the policy or is reviewed and listed; a listed place that is gone fails it too, so the lists stay
 * true.
 */
class ClassLoadingSitesTest {

    /** Loads by name that do not consult the policy, with why none is needed. */
    private static final Map<String, String> LOADS_WITHOUT_POLICY = Map.of(
            "io.tern.serialization.ObjectReaders.classValue(java.lang.String)",
            "an array of primitives (\"[I\"), or the array of an element class load() has just checked",
            "io.tern.serialization.ObjectReaders.<clinit>()",
            "the fixed name sun.reflect.ReflectionFactory",
            "io.tern.triple.internal.Protobuf.messageClass()",
            "the fixed name com.google.protobuf.Message, to learn whether protobuf is on the class path");

    /** Reflective constructions, with where their class comes from. */
    private static final Map<String, String> CONSTRUCTIONS = Map.of(
            "io.tern.serialization.ObjectReaders$RecordReader.canonical(java.lang.Class)",
            "a record class ObjectReaders.load() checked with the policy",
            "io.tern.serialization.ObjectReaders.instantiator(java.lang.Class)",
            "a class ObjectReaders.load() checked with the policy",
            "io.tern.serialization.ObjectReaders.publicConstructor(java.lang.Class, java.lang.Class, java.lang.String)",
            "a collection or map class ObjectReaders.load() checked with the policy",
            "io.tern.core.Pojos.newInstance(java.lang.Class)",
            "a type declared by the service's signature, or a subtype realizePojo checked with the policy",
            "io.tern.core.Pojos.realizePojo(java.util.Map, java.lang.reflect.Type, java.lang.Class,"
                    + " io.tern.ClassPolicy)",
            "a record declared by the signature, or a subtype checked with the policy",
            "io.tern.serialization.ObjectReaders.newInstance(java.lang.reflect.Constructor, java.lang.Class,"
                    + " [Ljava.lang.Object;)",
            "constructors of classes ObjectReaders.load() checked with the policy");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainCode() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TEST_FIXTURES)
                .importPackages("io.tern");
    }

    /** Main code only: not the test support library, the benchmarks or the examples. */
    private static boolean isProduct(JavaClass c) {
        String name = c.getPackageName();
        return !name.startsWith("io.tern.testing") && !name.startsWith("io.tern.bench")
                && !name.startsWith("io.tern.example") && c.getSource().map(s -> !s.getUri().toString()
                        .contains("tern-benchmarks")).orElse(true);
    }

    private static boolean isLoadByName(AccessTarget target) {
        String owner = target.getOwner().getName();
        String name = target.getName();
        return owner.equals("java.lang.Class") && name.equals("forName")
                || target.getOwner().isAssignableTo(ClassLoader.class) && name.equals("loadClass")
                || owner.equals("java.lang.invoke.MethodHandles$Lookup") && name.equals("findClass");
    }

    private static boolean isConstruction(AccessTarget target) {
        String owner = target.getOwner().getName();
        String name = target.getName();
        return owner.equals("java.lang.reflect.Constructor") && name.equals("newInstance")
                || owner.equals("java.lang.Class") && name.equals("newInstance")
                || owner.equals("java.lang.invoke.MethodHandles$Lookup")
                        && (name.equals("findConstructor") || name.equals("unreflectConstructor"));
    }

    private static boolean consultsPolicy(AccessTarget target) {
        return target.getOwner().getName().equals("io.tern.ClassPolicy")
                && (target.getName().equals("check") || target.getName().equals("isAllowed"));
    }

    private static Stream<JavaAccess<?>> accesses(JavaCodeUnit unit) {
        return Stream.concat(unit.getMethodCallsFromSelf().stream(), unit.getMethodReferencesFromSelf().stream());
    }

    /** Code units of the product that make an access the predicate picks, by full name. */
    private static Map<String, JavaCodeUnit> sites(java.util.function.Predicate<AccessTarget> kind) {
        Map<String, JavaCodeUnit> found = new TreeMap<>();
        for (JavaClass c : classes) {
            if (!isProduct(c)) {
                continue;
            }
            for (JavaCodeUnit unit : c.getCodeUnits()) {
                if (accesses(unit).anyMatch(a -> kind.test(a.getTarget()))) {
                    found.put(unit.getFullName(), unit);
                }
            }
        }
        return found;
    }

    @Test
    void theImportSeesEveryModule() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : classes) {
            packages.add(c.getPackageName());
        }
        assertThat(packages).contains("io.tern", "io.tern.core", "io.tern.serialization", "io.tern.transport",
                "io.tern.triple", "io.tern.cluster", "io.tern.registry", "io.tern.bootstrap", "io.tern.metrics",
                "io.tern.ops", "io.tern.cli", "io.tern.spring.boot");
    }

    @Test
    void everyLoadByNameConsultsTheClassPolicyFirstOrLoadsAFixedName() {
        List<String> unguarded = new ArrayList<>();
        Map<String, JavaCodeUnit> loads = sites(ClassLoadingSitesTest::isLoadByName);
        for (Map.Entry<String, JavaCodeUnit> site : loads.entrySet()) {
            boolean guarded = accesses(site.getValue()).anyMatch(a -> consultsPolicy(a.getTarget()));
            if (!guarded && !LOADS_WITHOUT_POLICY.containsKey(site.getKey())) {
                unguarded.add(site.getKey());
            }
        }
        assertThat(unguarded).as("methods that load a class by name without consulting ClassPolicy.check first"
                + " (expected: none; a name fixed in the code goes in LOADS_WITHOUT_POLICY with its reason)")
                .isEmpty();
        assertThat(loads.keySet()).as("listed loads that are gone (expected: the list names only real sites)")
                .containsAll(LOADS_WITHOUT_POLICY.keySet());
    }

    @Test
    void everyReflectiveConstructionIsReviewed() {
        Set<String> constructions = sites(ClassLoadingSitesTest::isConstruction).keySet();
        assertThat(constructions).as("methods that construct reflectively (expected: each listed in CONSTRUCTIONS"
                + " with where its class comes from)").containsExactlyInAnyOrderElementsOf(CONSTRUCTIONS.keySet());
    }

    @Test
    void theCheckFindsAnUnguardedLoad() {
        JavaClasses planted = new ClassFileImporter().importClasses(Planted.class);
        long unguarded = planted.stream().flatMap(c -> c.getCodeUnits().stream())
                .filter(u -> accesses(u).anyMatch(a -> isLoadByName(a.getTarget())))
                .filter(u -> accesses(u).noneMatch(a -> consultsPolicy(a.getTarget())))
                .count();
        assertThat(unguarded).isEqualTo(1);
    }

    /** A load the rule must catch, and one it must let through. */
    static final class Planted {
        private Planted() {
        }

        static Class<?> unguarded(String name) throws ClassNotFoundException {
            return Class.forName(name);
        }

        static Class<?> guarded(io.tern.ClassPolicy policy, String name) throws ClassNotFoundException {
            policy.check(name);
            return Class.forName(name, false, Planted.class.getClassLoader());
        }
    }
}
