package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Dubbo's condition routing: a rule {@code <when> => <then>}. When the consumer and call match
 * {@code when} (empty matches all), only providers matching {@code then} remain; an empty
 * {@code then} leaves none (a black list). Conditions are joined with {@code &}; each is
 * {@code key = values} or {@code key != values}, values a comma list of globs ({@code 10.20.*}),
 * numeric ranges ({@code 8000~8999}) or references to a consumer parameter ({@code $host}).
 * Keys: {@code host}, {@code port}, {@code method} (the call's method), {@code address}, or any
 * URL parameter. Unless the rule is forced, a match that leaves no provider keeps them all.
 */
public final class ConditionRouter implements Router {

    private final String rule;
    private final Map<String, Condition> when;
    private final Map<String, Condition> then;
    private final boolean force;
    private final int priority;

    private ConditionRouter(String rule, Map<String, Condition> when, Map<String, Condition> then, boolean force,
            int priority) {
        this.rule = rule;
        this.when = when;
        this.then = then;
        this.force = force;
        this.priority = priority;
    }

    /**
     * Parses a rule.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    public static ConditionRouter parse(String rule) {
        return parse(rule, false, 0);
    }

    public static ConditionRouter parse(String rule, boolean force, int priority) {
        requireNonNull(rule, "rule");
        int arrow = rule.indexOf("=>");
        String whenPart = arrow < 0 ? "" : rule.substring(0, arrow).trim();
        String thenPart = arrow < 0 ? rule.trim() : rule.substring(arrow + 2).trim();
        return new ConditionRouter(rule, parseConditions(rule, whenPart), parseConditions(rule, thenPart),
                force, priority);
    }

    private static Map<String, Condition> parseConditions(String rule, String part) {
        Map<String, Condition> conditions = new LinkedHashMap<>();
        if (part.isEmpty()) {
            return conditions;
        }
        for (String clause : part.split("&")) {
            String c = clause.trim();
            if (c.isEmpty()) {
                continue;
            }
            int ne = c.indexOf("!=");
            int eq = c.indexOf('=');
            boolean negated = ne >= 0 && ne <= eq;
            int at = negated ? ne : eq;
            if (at <= 0) {
                throw new IllegalArgumentException("condition: '" + c + "' in rule '" + rule
                        + "' (expected: key = value[,value...] or key != value[,value...])");
            }
            String key = c.substring(0, at).trim();
            String values = c.substring(at + (negated ? 2 : 1)).trim();
            if (key.isEmpty() || values.isEmpty()) {
                throw new IllegalArgumentException("condition: '" + c + "' in rule '" + rule
                        + "' (expected: a key and at least one value)");
            }
            Condition condition = conditions.computeIfAbsent(key, k -> new Condition());
            for (String v : values.split(",")) {
                String value = v.trim();
                if (!value.isEmpty()) {
                    (negated ? condition.mismatches : condition.matches).add(value);
                }
            }
        }
        return conditions;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public <T> List<Provider<T>> route(List<Provider<T>> invokers, ServiceUrl consumerUrl, Invocation invocation) {
        if (invokers.isEmpty() || !matches(when, consumerUrl, consumerUrl, invocation)) {
            return invokers;
        }
        if (then.isEmpty()) {
            return List.of(); // black list: this consumer may call no provider
        }
        List<Provider<T>> result = new ArrayList<>(invokers.size());
        for (Provider<T> invoker : invokers) {
            if (matches(then, invoker.url(), consumerUrl, invocation)) {
                result.add(invoker);
            }
        }
        return result.isEmpty() && !force ? invokers : result;
    }

    private static boolean matches(Map<String, Condition> conditions, ServiceUrl url, ServiceUrl consumerUrl,
            Invocation invocation) {
        for (Map.Entry<String, Condition> e : conditions.entrySet()) {
            String actual = valueOf(e.getKey(), url, invocation);
            if (!e.getValue().test(actual, consumerUrl)) {
                return false;
            }
        }
        return true;
    }

    private static @Nullable String valueOf(String key, ServiceUrl url, @Nullable Invocation invocation) {
        return switch (key) {
            case "method", "methods" -> invocation == null ? null : invocation.methodName();
            case "host" -> url.host();
            case "port" -> Integer.toString(url.port());
            case "address" -> url.address();
            case "protocol" -> url.protocol();
            case "interface" -> url.interfaceName();
            default -> url.parameter(key);
        };
    }

    @Override
    public String toString() {
        return "ConditionRouter[" + rule + (force ? ", force" : "") + "]";
    }

    /** The values a key must match, and those it must not. */
    private static final class Condition {
        final List<String> matches = new ArrayList<>(2);
        final List<String> mismatches = new ArrayList<>(1);

        boolean test(@Nullable String actual, ServiceUrl consumerUrl) {
            if (actual == null || actual.isEmpty()) {
                return matches.isEmpty(); // an absent value satisfies only "!="
            }
            for (String pattern : mismatches) {
                if (matchPattern(pattern, actual, consumerUrl)) {
                    return false;
                }
            }
            if (matches.isEmpty()) {
                return true;
            }
            for (String pattern : matches) {
                if (matchPattern(pattern, actual, consumerUrl)) {
                    return true;
                }
            }
            return false;
        }
    }

    static boolean matchPattern(String pattern, String value, ServiceUrl consumerUrl) {
        String p = pattern;
        if (p.startsWith("$")) {
            String referenced = valueOf(p.substring(1), consumerUrl, null);
            return referenced != null && referenced.equals(value);
        }
        int tilde = p.indexOf('~');
        if (tilde > 0) {
            try {
                long low = Long.parseLong(p.substring(0, tilde).trim());
                long high = Long.parseLong(p.substring(tilde + 1).trim());
                long v = Long.parseLong(value);
                return v >= low && v <= high;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return glob(p, value);
    }

    /** Dubbo's glob: {@code *} alone, or one {@code *} at the start, end or middle. */
    static boolean glob(String pattern, String value) {
        if ("*".equals(pattern)) {
            return true;
        }
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String prefix = pattern.substring(0, star);
        String suffix = pattern.substring(star + 1);
        return value.length() >= prefix.length() + suffix.length() && value.startsWith(prefix) && value.endsWith(suffix);
    }
}
