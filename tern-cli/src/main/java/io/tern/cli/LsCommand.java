package io.tern.cli;

import io.tern.ServiceUrl;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern ls}: what a ZooKeeper registry in Dubbo's layout holds. */
@Command(name = "ls",
        description = {"Lists the services in a ZooKeeper registry in Apache Dubbo's layout, with their providers"
                + " (address, version, group, methods, tls, token), consumers and the applications mapped to them;"
                + " works on a Dubbo estate too. With --applications, the applications and their instances.",
            "With --tls-trust it connects to ZooKeeper's secure client port over TLS."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "1:the registry cannot be read, or has no such service", "2:usage error"})
final class LsCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "REGISTRY_URL", description = "zookeeper://host:port[?group=dubbo]")
    String url;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE", description = "one service's interface name")
    String service;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--applications", description = "list the applications registered at the application level"
            + " (Dubbo 3's /services), with their instances and the revision each advertises, instead of the services")
    boolean applications;

    /** Here the TLS of ZooKeeper's secure client port: --tls-trust, and --tls-cert/--tls-key if it asks for them. */
    @CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ServiceUrl registryUrl = ZooKeeperArgument.parse(url);
        return ZooKeeperArgument.with(registryUrl, tls, registry -> list(registryUrl, registry));
    }

    private int list(ServiceUrl registryUrl, ZooKeeperRegistry registry) {
        if (applications) {
            printApplications(registry.applications());
            return 0;
        }
        Map<String, Map<String, List<Object>>> listing = new LinkedHashMap<>();
        java.util.SortedSet<String> all = new java.util.TreeSet<>(registry.services());
        all.addAll(registry.applications().mappedInterfaces());
        List<String> names = service != null ? List.of(service) : List.copyOf(all);
        Map<String, List<InstanceNode>> instancesOf = new java.util.HashMap<>();
        for (String name : names) {
            List<ServiceUrl> registered = registry.registered(name, "providers");
            List<Map<String, Object>> providers = describe(registered, true);
            List<Map<String, Object>> consumers = describe(registry.registered(name, "consumers"), false);
            List<String> mapping = List.copyOf(registry.applications().mapping(name));
            List<InstanceNode> instances = new ArrayList<>();
            for (String app : mapping) {
                instances.addAll(instancesOf.computeIfAbsent(app, registry.applications()::instances));
            }
            seenAt(registered, providers, instances);
            if (!providers.isEmpty() || !consumers.isEmpty() || !mapping.isEmpty()) {
                Map<String, List<Object>> entry = new LinkedHashMap<>();
                entry.put("providers", List.copyOf(providers));
                entry.put("consumers", List.copyOf(consumers));
                entry.put("applications", List.copyOf(mapping));
                listing.put(name, entry);
            }
        }
        if (service != null && listing.isEmpty()) {
            spec.commandLine().getErr().println("tern ls: no service " + service + " at " + registryUrl.address()
                    + " (expected one of: " + String.join(", ", registry.services().stream().sorted().toList())
                    + ")");
            return TernCli.FAILED;
        }
        print(listing);
        return 0;
    }

    /**
     * Marks each provider registered at the interface level with the levels it is seen at (also
     * at the application level when an instance of an application mapped to the interface has
     * its address), and adds the instances of those applications that are not registered at the
     * interface level (seen at the application level only; whether an instance serves this very
     * interface its revision's metadata says, which is not read here).
     */
    private static void seenAt(List<ServiceUrl> registered, List<Map<String, Object>> providers,
            List<InstanceNode> instances) {
        java.util.Set<InstanceNode> matched = new java.util.HashSet<>();
        java.util.Set<String> both = new java.util.HashSet<>();
        for (ServiceUrl url : registered) {
            for (InstanceNode instance : instances) {
                if (instance.host().equals(url.host()) && (instance.port() == url.port()
                        || InstanceMetadata.endpointPort(instance.metadata(), url.protocol()) == url.port())) {
                    matched.add(instance);
                    both.add(url.protocol() + "://" + url.address()); // as describe writes the address
                }
            }
        }
        for (Map<String, Object> provider : providers) {
            provider.put("levels", both.contains(String.valueOf(provider.get("address")))
                    ? List.of("interface", "application") : List.of("interface"));
        }
        for (InstanceNode instance : instances) {
            if (!matched.contains(instance)) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("address", instance.id());
                d.put("application", instance.app());
                d.put("revision", instance.revision());
                d.put("levels", List.of("application"));
                providers.add(d);
            }
        }
    }

    private static List<Map<String, Object>> describe(List<ServiceUrl> urls, boolean provider) {
        List<Map<String, Object>> described = new ArrayList<>();
        for (ServiceUrl url : urls) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("address", provider ? url.protocol() + "://" + url.address() : url.host());
            d.put("application", url.parameter("application", ""));
            d.put("version", url.version());
            d.put("group", url.group());
            if (provider) {
                d.put("methods", url.methods());
                d.put("tls", url.booleanParameter("ssl-enabled", false));
                d.put("token", url.parameter("token") != null); // whether it asks for one, never its value
            }
            d.put("release", url.parameter("release", ""));
            described.add(d);
        }
        described.sort((a, b) -> String.valueOf(a.get("address")).compareTo(String.valueOf(b.get("address"))));
        return described;
    }

    /** Each application at the application level, with its instances: address, revision, protocols. */
    private void printApplications(io.tern.registry.ZooKeeperApplications registered) {
        Map<String, List<Map<String, Object>>> listing = new LinkedHashMap<>();
        for (String app : registered.applicationNames()) {
            List<Map<String, Object>> instances = new ArrayList<>();
            for (InstanceNode instance : registered.instances(app)) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("address", instance.id());
                d.put("revision", instance.revision());
                d.put("endpoints", instance.metadata().getOrDefault(InstanceMetadata.ENDPOINTS, ""));
                d.put("metadata", instance.metadata().getOrDefault(InstanceMetadata.STORAGE_TYPE, "")
                        + " " + instance.metadata().getOrDefault(InstanceMetadata.METADATA_SERVICE_VERSION, ""));
                instances.add(d);
            }
            if (!instances.isEmpty()) {
                listing.put(app, instances);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(listing));
            return;
        }
        if (listing.isEmpty()) {
            out.println("(no applications)");
        }
        listing.forEach((app, instances) -> {
            out.println(app);
            out.println("  instances: " + instances.size());
            for (Map<String, Object> i : instances) {
                out.println("    " + i.get("address") + "  revision=" + dash(i.get("revision")) + "  endpoints="
                        + dash(i.get("endpoints")) + "  metadata=" + dash(String.valueOf(i.get("metadata")).trim()));
            }
        });
    }

    private void print(Map<String, Map<String, List<Object>>> listing) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(listing));
            return;
        }
        if (listing.isEmpty()) {
            out.println("(no services)");
        }
        listing.forEach((name, entry) -> {
            out.println(name);
            List<String> mapped = asStrings(entry.getOrDefault("applications", List.of()));
            if (!mapped.isEmpty()) {
                out.println("  applications: " + String.join(", ", mapped) + "  (mapping; see --applications)");
            }
            List<Map<String, Object>> providers = maps(entry.getOrDefault("providers", List.of()));
            out.println("  providers: " + providers.size());
            for (Map<String, Object> p : providers) {
                String seen = "  seen at=" + String.join("+", asStrings(p.get("levels")));
                if (!p.containsKey("version")) { // an instance found at the application level only
                    out.println("    " + p.get("address") + "  instance of " + p.get("application") + "  revision="
                            + dash(p.get("revision")) + seen);
                    continue;
                }
                out.println("    " + p.get("address") + "  version=" + dash(p.get("version")) + "  group="
                        + dash(p.get("group")) + "  application=" + dash(p.get("application")) + "  release="
                        + dash(p.get("release")) + "  methods=" + String.join(",", asStrings(p.get("methods")))
                        + (Boolean.TRUE.equals(p.get("tls")) ? "  tls" : "")
                        + (Boolean.TRUE.equals(p.get("token")) ? "  token" : "") + seen);
            }
            List<Map<String, Object>> consumers = maps(entry.getOrDefault("consumers", List.of()));
            out.println("  consumers: " + consumers.size());
            for (Map<String, Object> c : consumers) {
                out.println("    " + c.get("address") + "  application=" + dash(c.get("application"))
                        + "  version=" + dash(c.get("version")) + "  group=" + dash(c.get("group")));
            }
        });
    }

    @SuppressWarnings("unchecked") // the listing's providers and consumers are described as maps
    private static List<Map<String, Object>> maps(List<Object> described) {
        return (List<Map<String, Object>>) (List<?>) described;
    }

    private static String dash(@Nullable Object value) {
        String s = String.valueOf(value);
        return s.isEmpty() ? "-" : s;
    }

    private static List<String> asStrings(@Nullable Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> strings.add(String.valueOf(v)));
        }
        return strings;
    }
}
