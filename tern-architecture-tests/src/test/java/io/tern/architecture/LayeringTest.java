package io.tern.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of every dependency between Tern's modules, checked on the compiled main code: a
 * module uses only the modules listed for it (nothing points back up), and no module reaches
 * another's {@code internal} packages. Each module is known by its package root.
 */
class LayeringTest {

    /** Modules by package root, and the modules each may use. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("io.tern", Set.of()),
            Map.entry("io.tern.core", Set.of("io.tern")),
            Map.entry("io.tern.serialization", Set.of("io.tern")),
            Map.entry("io.tern.transport", Set.of("io.tern", "io.tern.core")),
            // the two protocols share the transport and know nothing of each other
            Map.entry("io.tern.dubbo", Set.of("io.tern", "io.tern.core", "io.tern.serialization",
                    "io.tern.transport")),
            Map.entry("io.tern.triple", Set.of("io.tern", "io.tern.core", "io.tern.serialization",
                    "io.tern.transport")),
            Map.entry("io.tern.cluster", Set.of("io.tern", "io.tern.core")),
            Map.entry("io.tern.registry", Set.of("io.tern", "io.tern.core", "io.tern.cluster")),
            Map.entry("io.tern.metrics", Set.of("io.tern", "io.tern.core", "io.tern.serialization",
                    "io.tern.transport", "io.tern.cluster", "io.tern.registry")),
            Map.entry("io.tern.ops", Set.of("io.tern", "io.tern.core")),
            Map.entry("io.tern.bootstrap", Set.of("io.tern", "io.tern.core", "io.tern.serialization",
                    "io.tern.transport", "io.tern.dubbo", "io.tern.triple", "io.tern.cluster", "io.tern.registry", "io.tern.metrics",
                    "io.tern.ops")),
            Map.entry("io.tern.spring", Set.of("io.tern", "io.tern.core", "io.tern.serialization",
                    "io.tern.transport", "io.tern.dubbo", "io.tern.triple", "io.tern.cluster", "io.tern.registry", "io.tern.metrics",
                    "io.tern.ops", "io.tern.bootstrap")),
            Map.entry("io.tern.cli", Set.of("io.tern", "io.tern.core", "io.tern.serialization", "io.tern.transport",
                    "io.tern.dubbo", "io.tern.triple", "io.tern.cluster", "io.tern.registry", "io.tern.metrics", "io.tern.ops",
                    "io.tern.bootstrap", "io.tern.example")));

    /** Not product code: examples, the test support library, benchmarks. */
    private static final List<String> OUTSIDE = List.of("io.tern.example", "io.tern.testing", "io.tern.bench",
            "io.tern.architecture");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainCode() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("tern-benchmarks"))
                .importPackages("io.tern");
    }

    /** The module a package belongs to: the longest root it starts with; null for one outside them. */
    static @Nullable String module(String packageName) {
        for (String outside : OUTSIDE) {
            if (packageName.equals(outside) || packageName.startsWith(outside + ".")) {
                return outside.equals("io.tern.example") ? "io.tern.example" : null;
            }
        }
        String best = null;
        for (String root : ALLOWED.keySet()) {
            if ((packageName.equals(root) || packageName.startsWith(root + ".") && !root.equals("io.tern"))
                    && (best == null || root.length() > best.length())) {
                best = root;
            }
        }
        return best;
    }

    private static boolean isInternal(String packageName) {
        return packageName.endsWith(".internal") || packageName.contains(".internal.");
    }

    /** Every dependency from product code to another module's class that breaks a rule, as text. */
    static Set<String> violations(JavaClasses imported) {
        Set<String> found = new TreeSet<>();
        for (JavaClass origin : imported) {
            String from = module(origin.getPackageName());
            if (from == null || from.equals("io.tern.example")) {
                continue;
            }
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                JavaClass target = dependency.getTargetClass().getBaseComponentType();
                String to = module(target.getPackageName());
                if (to == null || to.equals(from)) {
                    continue;
                }
                if (!ALLOWED.get(from).contains(to)) {
                    found.add(origin.getName() + " uses " + target.getName() + " (" + from + " may not use " + to + ")");
                } else if (isInternal(target.getPackageName())) {
                    found.add(origin.getName() + " reaches " + target.getName() + " (internal to " + to + ")");
                }
            }
        }
        return found;
    }

    @Test
    void everyModuleIsKnown() {
        Set<String> unknown = new TreeSet<>();
        for (JavaClass c : classes) {
            String name = c.getPackageName();
            if (module(name) == null && OUTSIDE.stream().noneMatch(o -> name.equals(o) || name.startsWith(o + "."))) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("packages of no module (expected: each under a module's root)").isEmpty();
    }

    @Test
    void dependenciesPointDownAndNoModuleReachesAnothersInternals() {
        assertThat(violations(classes)).as("dependencies that break the layering").isEmpty();
    }

    @Test
    void theCheckFindsAnUpwardDependencyAndAnInternalReach() throws ClassNotFoundException {
        JavaClasses planted = new ClassFileImporter().importClasses(Class.forName("io.tern.core.UpwardPlant"),
                Class.forName("io.tern.cluster.InternalPlant"));
        assertThat(violations(planted)).hasSize(2).anySatisfy(v -> assertThat(v)
                .startsWith("io.tern.core.UpwardPlant uses io.tern.dubbo.DubboProtocol"))
                .anySatisfy(v -> assertThat(v)
                        .startsWith("io.tern.cluster.InternalPlant reaches io.tern.core.internal.CallerExecutor"));
    }
}
