package io.tern.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.cluster.Configurator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Override rules as an operator writes them to the config center, {@code <application>.configurators}
 * or {@code <interface>:<version>:<group>.configurators} in group {@code dubbo}, read as Apache
 * Dubbo 3.3 reads them: Dubbo's YAML ({@code configVersion}, {@code scope}, {@code key},
 * {@code enabled}, {@code configs}) or a JSON list of {@code override://} URLs, each config item
 * becoming one {@link Configurator} per address (and per application, or per service at
 * application scope) with Dubbo's parameters — {@code category}, {@code side},
 * {@code providerAddresses} (for a provider-side item without them, its addresses),
 * {@code enabled} (the rule's for a {@code general} item, the item's own for the other types,
 * so that a {@code weight} item that does not say {@code enabled: true} is off, as in Dubbo) and
 * {@code configVersion}.
 *
 * <p>A rule is taken whole or not at all: one that is not YAML, names a field Tern does not know,
 * gives a value of the wrong kind, has an item without parameters, or uses the v3.0
 * {@code match} condition (not applied yet) is refused with an error naming it.
 */
public final class OverrideRules {

    /** The config-center group rules are kept in, as Dubbo's. */
    public static final String GROUP = "dubbo";
    /** The suffix of an override rule's key. */
    public static final String SUFFIX = ".configurators";

    private static final Set<String> RULE_FIELDS = Set.of("configVersion", "scope", "key", "enabled", "configs");
    private static final Set<String> ITEM_FIELDS = Set.of("type", "enabled", "addresses", "providerAddresses",
            "services", "applications", "parameters", "side", "match");
    private static final Set<String> TYPES = Set.of("general", "weight", "balancing", "disabled");

    private OverrideRules() {
    }

    /** The config-center key of an application's rules. */
    public static String applicationKey(String application) {
        return application + SUFFIX;
    }

    /** The config-center key of a service's rules: {@code interface:version:group}, empty parts kept, as Dubbo's. */
    public static String serviceKey(ServiceUrl url) {
        return url.interfaceName() + ":" + url.version() + ":" + url.group() + SUFFIX;
    }

    /**
     * The rules a config-center text says, in Dubbo's order; none for an empty text.
     *
     * @throws IllegalArgumentException naming the line, field or value that is wrong and what was expected
     */
    public static List<Configurator> parse(String text) {
        if (text.isBlank()) {
            return List.of();
        }
        JsonNode root = RuleYaml.read(text, "override rule");
        if (root == null) {
            return List.of();
        }
        List<Configurator> rules = new ArrayList<>();
        if (root.isArray()) { // Dubbo's other form: a list of override URLs
            for (JsonNode url : root) {
                if (!url.isTextual()) {
                    throw new IllegalArgumentException("override rule: a list holding a " + url.getNodeType()
                            + " (expected: a list of override:// URLs)");
                }
                rules.add(Configurator.of(ServiceUrl.parse(url.asText())));
            }
            return Configurator.ordered(rules);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("override rule: a " + root.getNodeType() + " (expected: a mapping of "
                    + String.join(", ", RULE_FIELDS.stream().sorted().toList()) + ")");
        }
        RuleYaml.checkFields(root, RULE_FIELDS, "override rule");
        String key = RuleYaml.text(root, "key", "override rule");
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("override rule: no key (expected: the service, group/interface:version,"
                    + " or at application scope the application)");
        }
        String scope = RuleYaml.text(root, "scope", "override rule");
        boolean application = "application".equals(scope);
        if (scope != null && !application && !"service".equals(scope)) {
            throw new IllegalArgumentException("override rule: scope '" + scope + "' (expected: service or application)");
        }
        String configVersion = String.valueOf(RuleYaml.text(root, "configVersion", "override rule")); // "null", as Dubbo writes it
        boolean enabled = RuleYaml.bool(root, "enabled", "override rule", true);
        JsonNode configs = root.get("configs");
        if (configs == null || !configs.isArray() || configs.isEmpty()) {
            throw new IllegalArgumentException("override rule: configs is " + (configs == null ? "missing"
                    : "a " + configs.getNodeType()) + " (expected: a list of config items)");
        }
        int index = 0;
        for (JsonNode item : configs) {
            String where = "override rule: configs[" + index++ + "]";
            if (!item.isObject()) {
                throw new IllegalArgumentException(where + " is a " + item.getNodeType() + " (expected: a mapping)");
            }
            RuleYaml.checkFields(item, ITEM_FIELDS, where);
            Configurator.Match match = null;
            if (item.has("match") && !item.get("match").isNull()) {
                if (!configVersion.startsWith("v3.0")) {
                    throw new IllegalArgumentException(where + ": match needs configVersion: v3.0 (Dubbo applies match"
                            + " only in v3.0 rules)");
                }
                match = match(item.get("match"), where + ".match");
            }
            rules.addAll(item(item, where, key, application, configVersion, enabled, match));
        }
        return Configurator.ordered(rules);
    }

    private static final java.util.Set<String> MATCH_FIELDS = java.util.Set.of("address", "providerAddress", "service",
            "app", "param");
    private static final java.util.Set<String> ADDRESS_FORMS = java.util.Set.of("exact", "wildcard", "cird");

    /** Dubbo's v3.0 {@code match} of a config item. */
    private static Configurator.Match match(JsonNode match, String where) {
        if (!match.isObject()) {
            throw new IllegalArgumentException(where + " is a " + match.getNodeType() + " (expected: a mapping of"
                    + " address, providerAddress, service, app, param)");
        }
        RuleYaml.checkFields(match, MATCH_FIELDS, where);
        JsonNode param = match.get("param");
        List<io.tern.cluster.TagRule.ParamMatch> params = param == null || param.isNull() ? List.of()
                : RuleYaml.params(param, where + ".param");
        return new Configurator.Match(address(match.get("address"), where + ".address"),
                address(match.get("providerAddress"), where + ".providerAddress"),
                oneOf(match.get("service"), where + ".service"), oneOf(match.get("app"), where + ".app"), params);
    }

    private static Configurator.@org.jspecify.annotations.Nullable AddressMatch address(
            @org.jspecify.annotations.Nullable JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject() || node.size() != 1 || !ADDRESS_FORMS.contains(node.fieldNames().next())
                || !node.elements().next().isValueNode()) {
            throw new IllegalArgumentException(where + ": " + node + " (expected: one of exact, wildcard, cird and"
                    + " an address)");
        }
        try {
            return new Configurator.AddressMatch(node.fieldNames().next(), node.elements().next().asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static List<io.tern.cluster.StringMatch> oneOf(@org.jspecify.annotations.Nullable JsonNode node,
            String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        JsonNode oneof = node.isObject() ? node.get("oneof") : null;
        if (oneof == null || !oneof.isArray() || node.size() != 1 || oneof.isEmpty()) {
            throw new IllegalArgumentException(where + ": " + node + " (expected: oneof, a list of string matches)");
        }
        List<io.tern.cluster.StringMatch> matches = new ArrayList<>();
        int index = 0;
        for (JsonNode m : oneof) {
            matches.add(RuleYaml.stringMatch(m, where + ".oneof[" + index++ + "]"));
        }
        return matches;
    }

    private static List<Configurator> item(JsonNode item, String where, String key, boolean applicationScope,
            String configVersion, boolean ruleEnabled, Configurator.@org.jspecify.annotations.Nullable Match match) {
        String type = RuleYaml.text(item, "type", where);
        if (type != null && !TYPES.contains(type)) {
            throw new IllegalArgumentException(where + ": type '" + type + "' (expected: general, weight, balancing or"
                    + " disabled)");
        }
        Boolean itemEnabled = item.has("enabled") && !item.get("enabled").isNull()
                ? RuleYaml.bool(item, "enabled", where, true) : null;
        // Dubbo: a general item takes the rule's enabled; the other types their own, "null" (off) when unsaid
        String enabled = type == null || "general".equals(type) ? String.valueOf(ruleEnabled)
                : String.valueOf(itemEnabled != null && itemEnabled);
        String side = RuleYaml.text(item, "side", where);
        if (side != null && !side.equals("provider") && !side.equals("consumer")) {
            throw new IllegalArgumentException(where + ": side '" + side + "' (expected: provider or consumer)");
        }
        Map<String, String> parameters = parameters(item, where);
        List<String> addresses = RuleYaml.list(item, "addresses", where);
        if (addresses.isEmpty()) {
            addresses = List.of(Configurator.ANY_HOST);
        }
        List<String> providerAddresses = RuleYaml.list(item, "providerAddresses", where);
        if (providerAddresses.isEmpty() && "provider".equals(side)) {
            providerAddresses = addresses;
        }
        List<String> applications = RuleYaml.list(item, "applications", where);
        List<String> services = applicationScope ? RuleYaml.list(item, "services", where) : List.of(key);
        if (services.isEmpty()) {
            services = List.of("*");
        }
        List<Configurator> rules = new ArrayList<>();
        for (String address : addresses) {
            for (String service : services) {
                ServiceUrlBuilder url = ruleUrl(address, service, where);
                url.parameter("category", applicationScope ? "appdynamicconfigurators" : "dynamicconfigurators");
                if (side != null) {
                    url.parameter("side", side);
                }
                parameters.forEach(url::parameter);
                if (!providerAddresses.isEmpty()) {
                    url.parameter("providerAddresses", String.join(",", providerAddresses));
                }
                url.parameter("enabled", enabled).parameter("configVersion", configVersion);
                if (applicationScope) {
                    rules.add(Configurator.of(url.parameter("application", key).build(), match));
                } else if (applications.isEmpty()) {
                    rules.add(Configurator.of(url.build(), match));
                } else {
                    for (String app : applications) {
                        rules.add(Configurator.of(url.parameter("application", app).build(), match));
                    }
                }
            }
        }
        return rules;
    }

    /** {@code override://<address>/<interface>?group=..&version=..} for a service written {@code group/interface:version}. */
    private static ServiceUrlBuilder ruleUrl(String address, String service, String where) {
        String host = address.trim();
        int port = 0;
        int colon = host.lastIndexOf(':');
        if (colon > 0) {
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": address '" + address + "' (expected: host or host:port)");
            }
            host = host.substring(0, colon);
        }
        if (host.isEmpty() || port < 0 || port > 65_535) {
            throw new IllegalArgumentException(where + ": address '" + address + "' (expected: host or host:port)");
        }
        String interfaceName = service.trim();
        String group = "";
        String version = "";
        int slash = interfaceName.indexOf('/');
        if (slash > 0) {
            group = interfaceName.substring(0, slash);
            interfaceName = interfaceName.substring(slash + 1);
        }
        int versionAt = interfaceName.indexOf(':');
        if (versionAt > 0) {
            version = interfaceName.substring(versionAt + 1);
            interfaceName = interfaceName.substring(0, versionAt);
        }
        if (interfaceName.isEmpty()) {
            throw new IllegalArgumentException(where + ": service '" + service + "' (expected: group/interface:version"
                    + " or an interface)");
        }
        ServiceUrlBuilder url = ServiceUrl.builder("override").address(host, port).path(interfaceName);
        if (!group.isEmpty()) {
            url.group(group);
        }
        if (!version.isEmpty()) {
            url.version(version);
        }
        return url;
    }

    private static Map<String, String> parameters(JsonNode item, String where) {
        JsonNode node = item.get("parameters");
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException(where + ": parameters is " + (node == null ? "missing"
                    : node.isObject() ? "empty" : "a " + node.getNodeType())
                    + " (expected: at least one parameter to change, such as disabled: true)");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            if (!value.isValueNode() || value.isNull()) {
                throw new IllegalArgumentException(where + ": parameters." + entry.getKey() + " is a "
                        + value.getNodeType() + " (expected: a text, number or boolean)");
            }
            parameters.put(entry.getKey(), value.asText());
        }
        return parameters;
    }
}
