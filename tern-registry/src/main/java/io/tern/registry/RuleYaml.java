package io.tern.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How the rules an operator writes to the config center are read: YAML through Jackson's YAML
 * module (SnakeYAML underneath, with its limits on aliases, nesting and size), with errors that
 * name the rule, the line and what was expected, on one line for the log.
 */
final class RuleYaml {

    private static final YAMLMapper YAML = new YAMLMapper();

    private RuleYaml() {
    }

    /**
     * The tree of {@code text}; null when it holds no document.
     *
     * @throws IllegalArgumentException "{@code <what>}: not YAML at line N: ..." when it does not parse
     */
    static @Nullable JsonNode read(String text, String what) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + ": not YAML at line "
                    + (e.getLocation() == null ? "?" : String.valueOf(e.getLocation().getLineNr())) + ": "
                    + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", " "));
        }
        return root == null || root.isMissingNode() || root.isNull() ? null : root;
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
}
