package io.tern.registry;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.tern.cluster.StringMatch;
import io.tern.cluster.TagRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * How the rules an operator writes to the config center are read: YAML through Jackson's YAML
 * module, SnakeYAML underneath with its limits set (size, aliases, nesting), with errors that
 * name the rule, the line and what was expected, on one line for the log.
 */
final class RuleYaml {

    /** The longest rule read, in characters; ZooKeeper's own limit on a node is about 1 MB. */
    static final int MAX_CHARS = 1 << 20;
    /** Aliases a rule may use: enough for any rule, too few for a "billion laughs". */
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 20;

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder().loaderOptions(loaderOptions())
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private RuleYaml() {
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CHARS);
        options.setAllowDuplicateKeys(false);
        return options;
    }

    /**
     * The tree of {@code text}; null when it holds no document.
     *
     * @throws IllegalArgumentException "{@code <what>}: not YAML at line N: ..." when it does not
     *     parse, or naming the limit it passes
     */
    static @Nullable JsonNode read(String text, String what) {
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException(what + ": " + text.length() + " characters (expected: at most "
                    + MAX_CHARS + ")");
        }
        JsonNode root;
        try {
            refuseAliases(text, what);
            root = YAML.readTree(text);
        } catch (java.io.IOException e) {
            JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
            throw new IllegalArgumentException(what + ": not YAML at line "
                    + (at == null ? "?" : String.valueOf(at.getLineNr())) + ": "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage()))
                            .replaceAll("\\s*\\n\\s*", " "));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // SnakeYAML's limits (aliases, depth, size) throw its own exceptions
            throw new IllegalArgumentException(what + ": not read: " + String.valueOf(e.getMessage())
                    .replaceAll("\\s*\\n\\s*", " "));
        }
        return root == null || root.isMissingNode() || root.isNull() ? null : root;
    }

    /**
     * Refuses a text that uses an alias ({@code *name}): Jackson would read it as the text
     * {@code name}, not the value it stands for, and a rule read differently from what Dubbo
     * reads must not be applied. No alias is ever expanded, so no "billion laughs" either.
     */
    private static void refuseAliases(String text, String what) throws java.io.IOException {
        try (JsonParser parser = YAML.createParser(text)) {
            while (parser.nextToken() != null) {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw new IllegalArgumentException(what + ": an alias (*" + parser.getText() + ") at line "
                            + parser.currentLocation().getLineNr() + " (expected: values written out; Tern does"
                            + " not expand YAML aliases)");
                }
            }
        }
    }

    /**
     * Refuses a field of {@code node} not in {@code known}.
     *
     * @throws IllegalArgumentException naming the field, {@code where} it is, and the fields known
     */
    static void checkFields(JsonNode node, Set<String> known, String where) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!known.contains(field.getKey())) {
                throw new IllegalArgumentException(where + ": unknown field '" + field.getKey() + "' (expected: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** The texts of the list {@code field}; empty when absent. */
    static List<String> list(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(where + ": " + field + " is a " + value.getNodeType()
                    + " (expected: a list)");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isValueNode() || element.isNull()) {
                throw new IllegalArgumentException(where + ": " + field + " holds a " + element.getNodeType()
                        + " (expected: texts)");
            }
            values.add(element.asText());
        }
        return values;
    }

    /** The text of {@code field}; null when absent. */
    static @Nullable String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException(where + ": " + field + " is a " + value.getNodeType()
                    + " (expected: a text)");
        }
        return value.asText();
    }

    /** The boolean {@code field}, {@code otherwise} when absent. */
    static boolean bool(JsonNode node, String field, String where, boolean otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (List.of("true", "false").contains(value.asText())) {
            return Boolean.parseBoolean(value.asText());
        }
        throw new IllegalArgumentException(where + ": " + field + " '" + value.asText() + "' (expected: true or false)");
    }

    /** The integer {@code field}, {@code otherwise} when absent. */
    static int integer(JsonNode node, String field, String where, int otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.asText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + field + " '" + value.asText() + "' (expected: a whole"
                    + " number)");
        }
    }
    private static final Set<String> PARAM_FIELDS = Set.of("key", "value");

    /** A list of {@code {key, value: {<form>: text}}} parameter matches, as tag routes and override rules give them. */
    static List<TagRule.ParamMatch> params(JsonNode list, String where) {
        if (!list.isArray()) {
            throw new IllegalArgumentException(where + " is a " + list.getNodeType()
                    + " (expected: a list of a key and a value each)");
        }
        List<TagRule.ParamMatch> params = new ArrayList<>();
        int index = 0;
        for (JsonNode param : list) {
            params.add(param(param, where + "[" + index++ + "]"));
        }
        return params;
    }

    /** A {@code {key, value: {<form>: text}}} parameter match. */
    private static TagRule.ParamMatch param(JsonNode param, String where) {
        if (!param.isObject()) {
            throw new IllegalArgumentException(where + " is a " + param.getNodeType()
                    + " (expected: a mapping of key and value)");
        }
        RuleYaml.checkFields(param, PARAM_FIELDS, where);
        String key = RuleYaml.text(param, "key", where);
        JsonNode value = param.get("value");
        if (key == null || value == null) {
            throw new IllegalArgumentException(where + ": needs a key and a value of one of exact, prefix, regex,"
                    + " wildcard, empty, noempty");
        }
        return new TagRule.ParamMatch(key, stringMatch(value, where + ".value"));
    }

    /** A {@code {<form>: text}} string match, one form of exact, prefix, regex, wildcard, empty, noempty. */
    static StringMatch stringMatch(JsonNode value, String where) {
        if (!value.isObject() || value.size() != 1) {
            throw new IllegalArgumentException(where + ": " + (value.isObject() ? value.size() + " forms" : "a "
                    + value.getNodeType()) + " (expected: one of exact, prefix, regex, wildcard, empty, noempty)");
        }
        Map.Entry<String, JsonNode> form = value.properties().iterator().next();
        StringMatch.Kind kind;
        try {
            kind = StringMatch.Kind.valueOf(form.getKey().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "." + form.getKey() + " (expected: one of exact, prefix,"
                    + " regex, wildcard, empty, noempty)");
        }
        String text = form.getValue().isValueNode() ? form.getValue().asText() : "";
        try {
            return StringMatch.of(kind, text);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + ": regex '" + text + "' is not a regular expression: "
                    + e.getDescription());
        }
    }
}
