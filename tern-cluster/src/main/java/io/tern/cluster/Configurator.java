package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One override rule, as Apache Dubbo applies it to a provider's URL: an {@code override://} URL
 * (its parameters replace the provider's) or an {@code absent://} one (they fill only what the
 * provider leaves unset), as the registry's legacy {@code configurators} category holds them and
 * as the config center's YAML rules become.
 *
 * <p>Whether a rule applies is decided as Dubbo decides it. A rule with {@code enabled=false}
 * applies to nothing. A rule with a {@code configVersion} (written from YAML) applies on its
 * {@code side} only: on a consumer, when its host is {@code 0.0.0.0} or the consumer's own host;
 * on a provider, when its host is {@code 0.0.0.0} or the provider's. A rule without one (the
 * legacy form) with a port applies to the provider at that host and port, on either side; without
 * a port, to the consumer at its host, or to every provider and consumer when its host is
 * {@code 0.0.0.0}. Then {@code providerAddresses} (when set) must name the provider's address or
 * host, {@code application} (when set, and not {@code *}) the application the URL is seen by,
 * and the rule's service ({@code group/interface:version}, or {@code *}) the provider's service;
 * a legacy rule's {@code side} and {@code ~key} parameters must equal what the URL says. What is
 * left of the rule's parameters after the matching ones ({@code category}, {@code enabled},
 * {@code group}, {@code version}, {@code application}, {@code side}, {@code configVersion}, ...)
 * is applied.
 */
public final class Configurator {

    /** The host that matches every host. */
    public static final String ANY_HOST = "0.0.0.0";

    /** The parameters a rule matches by; none of them is applied. */
    private static final Set<String> MATCHING_KEYS = Set.of("category", "check", "dynamic", "enabled", "group",
            "version", "application", "side", "configVersion", "compatible_config", "interfaces", "providerAddresses",
            "anyhost", "priority", "interface");

    /** Dubbo's order: by host as text ({@code 0.0.0.0} before any address), then by {@code priority}. */
    public static final Comparator<Configurator> ORDER = Comparator.<Configurator, String>comparing(c -> c.rule.host())
            .thenComparingInt(c -> c.rule.intParameter("priority", 0));

    private final ServiceUrl rule;
    private final boolean absent;
    private final Map<String, String> applied;
    private final @Nullable Match match;

    private Configurator(ServiceUrl rule, boolean absent, Map<String, String> applied, @Nullable Match match) {
        this.rule = rule;
        this.absent = absent;
        this.applied = applied;
        this.match = match;
    }

    /**
     * The v3.0 condition of a rule item ({@code match}): the host seeing the URL
     * ({@code address}), the provider's address ({@code providerAddress}), its service
     * ({@code group/interface:version}, one of {@code service}), its application (one of
     * {@code app}), and its parameters ({@code param}); each given part must hold.
     */
    public record Match(@Nullable AddressMatch address, @Nullable AddressMatch providerAddress,
            List<StringMatch> service, List<StringMatch> app, List<TagRule.ParamMatch> param) {
        public Match {
            service = List.copyOf(service);
            app = List.copyOf(app);
            param = List.copyOf(param);
        }

        boolean matches(String host, ServiceUrl url) {
            return (address == null || address.matches(host))
                    && (providerAddress == null || providerAddress.matches(url.address()))
                    && (service.isEmpty() || any(service, url.serviceKey().toString()))
                    && (app.isEmpty() || any(app, url.parameter("application")))
                    && param.stream().allMatch(p -> p.matches(url.parameter(p.key())));
        }

        private static boolean any(List<StringMatch> matches, @Nullable String input) {
            for (StringMatch m : matches) {
                if (m.matches(input)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * An address condition: {@code exact}, a {@code wildcard} glob ({@code *} or {@code 0.0.0.0}
     * for any), or a {@code cird} block (Dubbo's spelling), as Dubbo's {@code AddressMatch}.
     */
    public record AddressMatch(String kind, String value) {
        public AddressMatch {
            requireNonNull(kind, "kind");
            requireNonNull(value, "value");
            if (!Set.of("exact", "wildcard", "cird").contains(kind)) {
                throw new IllegalArgumentException("address match: " + kind + " (expected: exact, wildcard or cird)");
            }
            if (kind.equals("cird")) {
                AddressPattern.compile(value);
            }
        }

        boolean matches(String input) {
            return switch (kind) {
                case "cird" -> input.equals(value) || AddressPattern.matches(value, hostOf(input), portOf(input));
                case "wildcard" -> ANY_HOST.equals(value) || "*".equals(value) || ConditionRouter.glob(value, input);
                default -> input.equals(value);
            };
        }

        private static String hostOf(String address) {
            int colon = address.lastIndexOf(':');
            return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
        }

        private static int portOf(String address) {
            int colon = address.lastIndexOf(':');
            try {
                return colon > 0 && address.indexOf(':') == colon ? Integer.parseInt(address.substring(colon + 1)) : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /**
     * The rule an {@code override://} or {@code absent://} URL says.
     *
     * @throws IllegalArgumentException naming the URL, when it is neither, or naming an
     *     {@code enabled} or {@code priority} that does not parse
     */
    public static Configurator of(ServiceUrl rule) {
        return of(rule, null);
    }

    /**
     * As above, with the v3.0 {@code match} condition of the rule item it was written from, which
     * must hold too when the rule's {@code configVersion} is v3.0.
     */
    public static Configurator of(ServiceUrl rule, @Nullable Match match) {
        requireNonNull(rule, "rule");
        boolean absent = "absent".equals(rule.protocol());
        if (!absent && !"override".equals(rule.protocol())) {
            throw new IllegalArgumentException("configurator '" + rule + "': protocol " + rule.protocol()
                    + " (expected: override:// or absent://)");
        }
        rule.booleanParameter("enabled", true); // each throws, naming the value, when it does not parse
        rule.intParameter("priority", 0);
        Map<String, String> applied = new HashMap<>();
        rule.parameters().forEach((key, value) -> {
            if (!MATCHING_KEYS.contains(key) && !key.startsWith("~")) {
                applied.put(key, value);
            }
        });
        return new Configurator(rule, absent, Map.copyOf(applied), match);
    }

    /** The rule's URL. */
    public ServiceUrl url() {
        return rule;
    }

    /** The parameters it sets, less those it matches by. */
    public Map<String, String> parameters() {
        return applied;
    }

    /**
     * Who sees a provider: {@code side} ({@code consumer} or {@code provider}), the
     * {@code application} seeing it (the consumer's on a consumer, the provider's own on a
     * provider), and the host of this process as it registers itself.
     */
    public record View(String side, String application, String localHost) {
        public View {
            requireNonNull(side, "side");
            requireNonNull(application, "application");
            requireNonNull(localHost, "localHost");
        }

        /** A consumer of {@code application} at {@code localHost}. */
        public static View consumer(String application, String localHost) {
            return new View("consumer", application, localHost);
        }

        /** A provider of {@code application} at {@code localHost}. */
        public static View provider(String application, String localHost) {
            return new View("provider", application, localHost);
        }
    }

    /** What {@code provider} becomes under the rules, applied in {@link #ORDER}, as {@code view} sees it. */
    public static ServiceUrl apply(List<Configurator> rules, ServiceUrl provider, View view) {
        ServiceUrl current = provider;
        for (Configurator rule : rules) {
            current = rule.configure(current, view);
        }
        return current;
    }

    /** The rules sorted in Dubbo's order. */
    public static List<Configurator> ordered(List<Configurator> rules) {
        List<Configurator> sorted = new ArrayList<>(rules);
        sorted.sort(ORDER);
        return List.copyOf(sorted);
    }

    /** What {@code provider} becomes under this rule, as {@code view} sees it; itself when the rule does not apply. */
    public ServiceUrl configure(ServiceUrl provider, View view) {
        if (!rule.booleanParameter("enabled", true) || applied.isEmpty()) {
            return provider;
        }
        String configVersion = rule.parameter("configVersion");
        if (configVersion != null && !configVersion.isEmpty()) {
            String ruleSide = rule.side();
            if (!ruleSide.equals(view.side())) {
                return provider;
            }
            return configureIfMatch("consumer".equals(ruleSide) ? view.localHost() : provider.host(), provider, view,
                    false);
        }
        if (rule.port() != 0) {
            return provider.port() == rule.port() ? configureIfMatch(provider.host(), provider, view, true) : provider;
        }
        return configureIfMatch("consumer".equals(view.side()) ? view.localHost() : ANY_HOST, provider, view, true);
    }

    private ServiceUrl configureIfMatch(String host, ServiceUrl provider, View view, boolean legacy) {
        if (!ANY_HOST.equals(rule.host()) && !rule.host().equals(host)) {
            return provider;
        }
        if (!providerMatches(provider) || !applicationMatches(view) || !serviceMatches(provider)) {
            return provider;
        }
        if (legacy && !legacyConditionsMatch(provider, view)) {
            return provider;
        }
        Match condition = match;
        if (!legacy && condition != null && rule.parameter("configVersion", "").startsWith("v3.0")
                && !condition.matches(host, provider)) {
            return provider;
        }
        Map<String, String> merged = new HashMap<>(provider.parameters());
        applied.forEach((key, value) -> {
            if (absent) {
                merged.putIfAbsent(key, value);
            } else {
                merged.put(key, value);
            }
        });
        return merged.equals(provider.parameters()) ? provider : provider.toBuilder().parameters(merged).build();
    }

    private boolean providerMatches(ServiceUrl provider) {
        String addresses = rule.parameter("providerAddresses");
        if (addresses == null || addresses.isEmpty()) {
            return true;
        }
        for (String address : addresses.split(",")) {
            String a = address.trim();
            if (a.equals(provider.address()) || a.equals(ANY_HOST) || a.equals(ANY_HOST + ":*")
                    || a.equals(ANY_HOST + ":" + provider.port()) || a.equals(provider.host())) {
                return true;
            }
        }
        return false;
    }

    private boolean applicationMatches(View view) {
        String application = rule.parameter("application");
        if (application == null || application.isEmpty()) {
            application = rule.username();
        }
        return application == null || application.isEmpty() || "*".equals(application)
                || application.equals(view.application());
    }

    private boolean serviceMatches(ServiceUrl provider) {
        String service = rule.serviceKey().toString();
        return "*".equals(rule.interfaceName()) || service.equals(provider.serviceKey().toString());
    }

    /** A legacy rule's {@code side}, {@code application} and {@code ~key} conditions. */
    private boolean legacyConditionsMatch(ServiceUrl provider, View view) {
        for (Map.Entry<String, String> entry : rule.parameters().entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (value == null || "*".equals(value)) {
                continue;
            }
            String actual;
            if (key.startsWith("~")) {
                actual = provider.parameter(key.substring(1));
            } else if ("side".equals(key)) {
                actual = view.side();
            } else if ("application".equals(key)) {
                actual = view.application();
            } else {
                continue;
            }
            if (!value.equals(actual)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a provider URL, as configured, is disabled: {@code disabled=true}, or
     * {@code enabled=false} without a {@code disabled}, as Dubbo's directories read it.
     */
    public static boolean disabled(ServiceUrl provider) {
        String disabled = provider.parameter("disabled");
        if (disabled != null) {
            return Boolean.parseBoolean(disabled);
        }
        return !provider.booleanParameter("enabled", true);
    }

    @Override
    public String toString() {
        return rule.toString();
    }
}
