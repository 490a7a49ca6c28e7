package io.tern.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An operator's migration rule, as Apache Dubbo 3.3 reads it from the config center (key
 * {@code <consumer application>.migration}, group {@value #GROUP}): YAML with a {@code step},
 * {@code threshold} and {@code force} for the whole consumer application, and the same per
 * interface ({@code interfaces}, keyed {@code interface:version}) and per provider application
 * ({@code applications}, keyed by its name). What a reference takes is its interface's entry,
 * else the first entry of an application that serves it, else the rule's own; what the rule
 * leaves unsaid comes from the reference and the client, as before.
 *
 * <p>A rule is taken whole or not at all: one that is not YAML, names a field Tern does not know
 * or gives a value of the wrong kind is refused with an error naming it. Dubbo's
 * {@code proportion} (the share of calls an {@code APPLICATION_FIRST} reference sends by the
 * application level's choice, the rest by the interface level's) and {@code delay} (how long a
 * move waits for addresses before comparing the levels) are read and checked but not applied:
 * every call follows the level chosen, and a move compares the levels as they stand once the
 * application level's first list has come. {@link #notApplied()} names where a rule sets them, so
 * that an operator is told (values other than Dubbo's defaults, 100 and 0, only).
 *
 * @param key the consumer application it was written for
 * @param settings the rule's own settings
 * @param interfaces settings by {@code interface:version} ({@code interface} without a version)
 * @param applications settings by provider application
 * @param notApplied the fields set that Tern does not apply ({@code proportion},
 *     {@code interfaces[0].delay}, ...)
 */
public record MigrationRule(String key, Settings settings, Map<String, Settings> interfaces,
        Map<String, Settings> applications, List<String> notApplied) {

    /** The config-center group migration rules are kept in, as Dubbo's. */
    public static final String GROUP = "DUBBO_SERVICEDISCOVERY_MIGRATION";
    /** The config-center key of a consumer application's rule. */
    public static String keyOf(String application) {
        return application + ".migration";
    }

    private static final Set<String> RULE_FIELDS = Set.of("key", "step", "threshold", "proportion", "delay", "force",
            "interfaces", "applications");
    private static final Set<String> ENTRY_FIELDS = Set.of("serviceKey", "step", "threshold", "proportion", "delay",
            "force");

    /** No rule: everything comes from the references and the client. */
    public static final MigrationRule NONE = new MigrationRule("", Settings.NONE, Map.of(), Map.of(), List.of());

    public MigrationRule {
        requireNonNull(key, "key");
        requireNonNull(settings, "settings");
        interfaces = Map.copyOf(interfaces);
        applications = Map.copyOf(applications);
        notApplied = List.copyOf(notApplied);
    }

    /**
     * Settings of a rule or of one of its entries; null where it says nothing.
     *
     * @param step the step
     * @param threshold the application level's share of the interface level's providers needed
     * @param force whether a step is taken without comparing the levels
     */
    public record Settings(Migration.@Nullable Step step, @Nullable Double threshold, @Nullable Boolean force) {
        static final Settings NONE = new Settings(null, null, null);
    }

    /** What the rule says for a reference: its interface's entry, else a provider application's, else its own. */
    public Settings settingsFor(ServiceUrl consumer, Collection<String> providerApplications) {
        String version = consumer.version();
        Settings found = interfaces.get(version.isEmpty() ? consumer.interfaceName()
                : consumer.interfaceName() + ":" + version);
        if (found == null) {
            for (String app : providerApplications) {
                found = applications.get(app);
                if (found != null) {
                    break;
                }
            }
        }
        return found == null ? settings : merge(found, settings);
    }

    private static Settings merge(Settings first, Settings then) {
        return new Settings(first.step() != null ? first.step() : then.step(),
                first.threshold() != null ? first.threshold() : then.threshold(),
                first.force() != null ? first.force() : then.force());
    }

    /**
     * A rule's text read; an empty text is no rule.
     *
     * @throws IllegalArgumentException naming the line, field or value that is wrong and what was expected
     */
    public static MigrationRule parse(String text) {
        if (text.isBlank()) {
            return NONE;
        }
        JsonNode root = RuleYaml.read(text, "migration rule");
        if (root == null) {
            return NONE;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("migration rule: a " + root.getNodeType() + " (expected: a mapping"
                    + " of key, step, threshold, force, interfaces, applications)");
        }
        RuleYaml.checkFields(root, RULE_FIELDS, "migration rule");
        List<String> notApplied = new ArrayList<>();
        return new MigrationRule(root.path("key").asText(""), settings(root, "migration rule", notApplied),
                entries(root, "interfaces", notApplied), entries(root, "applications", notApplied), notApplied);
    }

    private static Map<String, Settings> entries(JsonNode root, String field, List<String> notApplied) {
        JsonNode list = root.get(field);
        if (list == null || list.isNull()) {
            return Map.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("migration rule: " + field + " is a " + list.getNodeType()
                    + " (expected: a list of entries with a serviceKey)");
        }
        Map<String, Settings> entries = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : list) {
            String where = "migration rule: " + field + "[" + index++ + "]";
            if (!entry.isObject()) {
                throw new IllegalArgumentException(where + " is a " + entry.getNodeType() + " (expected: a mapping)");
            }
            RuleYaml.checkFields(entry, ENTRY_FIELDS, where);
            JsonNode key = entry.get("serviceKey");
            if (key == null || !key.isTextual() || key.asText().isBlank()) {
                throw new IllegalArgumentException(where + " has no serviceKey (expected: "
                        + (field.equals("interfaces") ? "interface:version" : "an application name") + ")");
            }
            entries.putIfAbsent(key.asText().trim(), settings(entry, where, notApplied));
        }
        return entries;
    }

    private static Settings settings(JsonNode node, String where, List<String> notApplied) {
        Migration.Step step = null;
        JsonNode stepNode = node.get("step");
        if (stepNode != null && !stepNode.isNull()) {
            try {
                step = Migration.Step.parse(stepNode.asText());
            } catch (IllegalArgumentException e) {
                // Step.parse's message, "migration.step: '...' (expected: ...)", under the rule's field name
                String message = String.valueOf(e.getMessage());
                throw new IllegalArgumentException(where + ": step " + message.substring(message.indexOf(": ") + 2),
                        e);
            }
        }
        Double threshold = null;
        JsonNode thresholdNode = node.get("threshold");
        if (thresholdNode != null && !thresholdNode.isNull()) {
            threshold = number(thresholdNode, where + ": threshold");
        }
        Boolean force = null;
        JsonNode forceNode = node.get("force");
        if (forceNode != null && !forceNode.isNull()) {
            if (!forceNode.isBoolean() && !List.of("true", "false").contains(forceNode.asText())) {
                throw new IllegalArgumentException(where + ": force '" + forceNode.asText()
                        + "' (expected: true or false)");
            }
            force = forceNode.isBoolean() ? forceNode.booleanValue() : Boolean.parseBoolean(forceNode.asText());
        }
        for (String field : List.of("proportion", "delay")) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull()) {
                double number = number(value, where + ": " + field);
                if (field.equals("proportion") ? number < 100 : number > 0) { // else Dubbo's defaults: no effect
                    notApplied.add(where.equals("migration rule") ? field : where.substring(where.indexOf(": ") + 2)
                            + "." + field);
                }
            }
        }
        return new Settings(step, threshold, force);
    }

    private static double number(JsonNode value, String what) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        try {
            return Double.parseDouble(value.asText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value.asText() + "' (expected: a number)");
        }
    }
}
