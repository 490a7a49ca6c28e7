package io.tern.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.tern.ServiceUrl;
import io.tern.cluster.ConditionRouter;
import io.tern.cluster.TagRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The route rules an operator writes where Dubbo 3.3 reads them, read as Dubbo reads them but
 * strictly: condition routes ({@code <interface>:<version>:<group>.condition-router} and
 * {@code <application>.condition-router}, the v3.0 list of {@code when => then} and the v3.1
 * multi-destination form), tag routes ({@code <provider application>.tag-router}, by addresses
 * or, in v3.0, by parameters), and the legacy {@code route://} URLs under
 * {@code /dubbo/<interface>/routers}. A rule with a field Dubbo does not know, a value of the
 * wrong kind, or nothing to route by is refused whole, with an error naming what and where.
 */
public final class RouteRules {

    public static final String CONDITION_SUFFIX = ".condition-router";
    public static final String TAG_SUFFIX = ".tag-router";
    public static final String SCRIPT_SUFFIX = ".script-router";
    public static final String MESH_SUFFIX = ".MESHAPPRULE";

    private static final Set<String> COMMON_FIELDS = Set.of("configVersion", "scope", "key", "enabled", "force",
            "runtime", "priority", "dynamic");
    private static final Set<String> CONDITION_FIELDS = with(COMMON_FIELDS, "conditions");
    private static final Set<String> TAG_FIELDS = with(COMMON_FIELDS, "tags");
    private static final Set<String> DESTINATIONS_FIELDS = Set.of("from", "to");
    private static final Set<String> MATCH_FIELDS = Set.of("match");
    private static final Set<String> TO_FIELDS = Set.of("match", "weight");
    private static final Set<String> TAG_ITEM_FIELDS = Set.of("name", "addresses", "match");

    private RouteRules() {
    }

    private static Set<String> with(Set<String> fields, String field) {
        java.util.HashSet<String> all = new java.util.HashSet<>(fields);
        all.add(field);
        return Set.copyOf(all);
    }

    /** The key of a service's condition route: {@code interface:version:group}, empty parts kept. */
    public static String serviceKey(ServiceUrl url) {
        return url.interfaceName() + ":" + url.version() + ":" + url.group() + CONDITION_SUFFIX;
    }

    /**
     * A condition rule as read: whether it is enabled (a disabled rule routes nothing), and its
     * routers, in the order they run.
     */
    public record ConditionRule(String key, boolean enabled, boolean force, List<ConditionRouter> routers) {
        public ConditionRule {
            routers = List.copyOf(routers);
        }

        /** The routers that run: none when the rule is disabled. */
        public List<ConditionRouter> active() {
            return enabled ? routers : List.of();
        }
    }

    /**
     * A condition route read from {@code key}.
     *
     * @throws IllegalArgumentException naming what is wrong and what was expected
     */
    public static ConditionRule condition(String text, String key) {
        String what = "condition route " + key;
        JsonNode root = mapping(text, what, CONDITION_FIELDS);
        boolean force = RuleYaml.bool(root, "force", what, false);
        boolean enabled = RuleYaml.bool(root, "enabled", what, true);
        check(root, what);
        String version = RuleYaml.text(root, "configVersion", what);
        JsonNode conditions = root.get("conditions");
        if (conditions == null || !conditions.isArray() || conditions.isEmpty()) {
            throw new IllegalArgumentException(what + ": conditions is " + (conditions == null ? "missing"
                    : conditions.isArray() ? "empty" : "a " + conditions.getNodeType())
                    + " (expected: a list of conditions; Dubbo leaves the rule before in force too)");
        }
        List<ConditionRouter> routers = new ArrayList<>(conditions.size());
        if (version != null && version.toLowerCase(Locale.ROOT).startsWith("v3.1")) {
            int index = 0;
            for (JsonNode condition : conditions) {
                routers.add(destinations(condition, what + ": conditions[" + index++ + "]", force, key));
            }
        } else if (version != null && version.compareToIgnoreCase("v3.1") > 0) {
            throw new IllegalArgumentException(what + ": configVersion " + version + " (expected: v3.1 or earlier,"
                    + " as Dubbo 3.3 reads)");
        } else {
            int index = 0;
            for (JsonNode condition : conditions) {
                String where = what + ": conditions[" + index++ + "]";
                if (!condition.isValueNode() || condition.isNull()) {
                    throw new IllegalArgumentException(where + " is a " + condition.getNodeType()
                            + " (expected: a text '<when> => <then>'; the multi-destination form needs"
                            + " configVersion: v3.1)");
                }
                routers.add(parsed(where, () -> ConditionRouter.parse(condition.asText(), force, 0, key)));
            }
        }
        return new ConditionRule(key, enabled, force, routers);
    }

    private static ConditionRouter destinations(JsonNode condition, String where, boolean force, String key) {
        if (!condition.isObject()) {
            throw new IllegalArgumentException(where + " is a " + condition.getNodeType()
                    + " (expected: a mapping of from and to)");
        }
        RuleYaml.checkFields(condition, DESTINATIONS_FIELDS, where);
        JsonNode from = condition.get("from");
        String when = "";
        if (from != null && !from.isNull()) {
            if (!from.isObject()) {
                throw new IllegalArgumentException(where + ": from is a " + from.getNodeType()
                        + " (expected: a mapping with match)");
            }
            RuleYaml.checkFields(from, MATCH_FIELDS, where + ".from");
            String match = RuleYaml.text(from, "match", where + ".from");
            when = match == null ? "" : match;
        }
        JsonNode to = condition.get("to");
        if (to == null || !to.isArray()) {
            throw new IllegalArgumentException(where + ": to is " + (to == null ? "missing" : "a " + to.getNodeType())
                    + " (expected: a list of destinations, each a match and a weight)");
        }
        List<ConditionRouter.Target> targets = new ArrayList<>(to.size());
        int index = 0;
        for (JsonNode destination : to) {
            String at = where + ".to[" + index++ + "]";
            if (!destination.isObject()) {
                throw new IllegalArgumentException(at + " is a " + destination.getNodeType()
                        + " (expected: a mapping of match and weight)");
            }
            RuleYaml.checkFields(destination, TO_FIELDS, at);
            String match = RuleYaml.text(destination, "match", at);
            targets.add(new ConditionRouter.Target(match == null ? "" : match,
                    RuleYaml.integer(destination, "weight", at, ConditionRouter.DEFAULT_WEIGHT)));
        }
        String whenText = when;
        return parsed(where, () -> ConditionRouter.multi(whenText, targets, force, key));
    }

    /**
     * A tag route read from {@code key}; a rule with no tags routes as if there were none, as in
     * Dubbo.
     *
     * @throws IllegalArgumentException naming what is wrong and what was expected
     */
    public static TagRule tag(String text, String key) {
        String what = "tag route " + key;
        JsonNode root = mapping(text, what, TAG_FIELDS);
        boolean force = RuleYaml.bool(root, "force", what, false);
        boolean enabled = RuleYaml.bool(root, "enabled", what, true);
        check(root, what);
        String version = RuleYaml.text(root, "configVersion", what);
        boolean v30 = version != null && version.startsWith("v3.0");
        JsonNode tags = root.get("tags");
        List<TagRule.Tag> read = new ArrayList<>();
        if (tags != null && !tags.isNull()) {
            if (!tags.isArray()) {
                throw new IllegalArgumentException(what + ": tags is a " + tags.getNodeType()
                        + " (expected: a list of tags, each a name and addresses)");
            }
            int index = 0;
            for (JsonNode tag : tags) {
                read.add(tagItem(tag, what + ": tags[" + index++ + "]", v30));
            }
        }
        List<TagRule.Tag> all = read;
        return parsed(what, () -> TagRule.of(key, force, enabled, all));
    }

    private static TagRule.Tag tagItem(JsonNode tag, String where, boolean v30) {
        if (!tag.isObject()) {
            throw new IllegalArgumentException(where + " is a " + tag.getNodeType()
                    + " (expected: a mapping of name and addresses)");
        }
        RuleYaml.checkFields(tag, TAG_ITEM_FIELDS, where);
        String name = RuleYaml.text(tag, "name", where);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(where + ": no name (expected: the tag's name)");
        }
        List<TagRule.ParamMatch> matches = List.of();
        JsonNode match = tag.get("match");
        if (match != null && !match.isNull()) {
            if (!v30) {
                throw new IllegalArgumentException(where + ": match needs configVersion: v3.0 (Dubbo reads match"
                        + " only in v3.0 rules)");
            }
            matches = RuleYaml.params(match, where + ".match");
        }
        return new TagRule.Tag(name, RuleYaml.list(tag, "addresses", where), matches);
    }

    /**
     * A legacy {@code route://} URL from a registry's {@code routers} category: a condition route
     * ({@code router=condition}, the rule URL-encoded in {@code rule}).
     *
     * @throws IllegalArgumentException for another kind of router or a rule that does not parse
     */
    public static ConditionRule routeUrl(ServiceUrl url, String source) {
        String kind = url.parameter("router", url.protocol());
        String what = "route " + source;
        if (!kind.equals("condition")) {
            throw new IllegalArgumentException(what + ": router=" + kind + " (expected: condition; "
                    + (kind.equals("script") ? "script routes run code from the registry and are not run by Tern"
                            : "Tern routes by condition and tag rules") + ")");
        }
        String rule = url.parameterDecoded("rule");
        if (rule == null || rule.isBlank()) {
            throw new IllegalArgumentException(what + ": no rule (expected: rule=<when> => <then>, URL-encoded)");
        }
        boolean force = url.booleanParameter("force", false);
        int priority = url.intParameter("priority", 0);
        ConditionRouter router = parsed(what, () -> ConditionRouter.parse(rule, force, priority, source));
        return new ConditionRule(source, url.booleanParameter("enabled", true), force, List.of(router));
    }

    private static JsonNode mapping(String text, String what, Set<String> fields) {
        JsonNode root = RuleYaml.read(text, what);
        if (root == null) {
            throw new IllegalArgumentException(what + ": empty (expected: a rule; to take the rule away, delete the"
                    + " node)");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(what + ": a " + root.getNodeType() + " (expected: a mapping of "
                    + String.join(", ", fields.stream().sorted().toList()) + ")");
        }
        RuleYaml.checkFields(root, fields, what);
        return root;
    }

    /** The common fields read for their checks: a priority that is a number, a scope Dubbo knows. */
    private static void check(JsonNode root, String what) {
        RuleYaml.integer(root, "priority", what, 0);
        RuleYaml.bool(root, "runtime", what, true);
        RuleYaml.bool(root, "dynamic", what, false);
        String scope = RuleYaml.text(root, "scope", what);
        if (scope != null && !scope.equals("service") && !scope.equals("application")) {
            throw new IllegalArgumentException(what + ": scope '" + scope + "' (expected: service or application)");
        }
    }

    private static <R> R parsed(String where, java.util.function.Supplier<R> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            throw new IllegalArgumentException(message.startsWith(where) ? message : where + ": " + message, e);
        }
    }

    /** Why a script or mesh rule found at {@code key} is not applied. */
    static @Nullable String unsupported(String key) {
        if (key.endsWith(SCRIPT_SUFFIX)) {
            return "script routes run code that whoever writes the config center gives, and Tern does not run it"
                    + " (expected: a condition or tag route)";
        }
        if (key.endsWith(MESH_SUFFIX)) {
            return "mesh rules (VirtualService, DestinationRule) are not applied by Tern (expected: a condition or"
                    + " tag route)";
        }
        return null;
    }
}
