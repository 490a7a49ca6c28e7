package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Dubbo's condition routing, matched as Dubbo 3.3 matches it. A rule {@code <when> => <then>}:
 * when the consumer and the call match {@code when} (empty or {@code true} matches every call),
 * only providers matching {@code then} remain; an empty (or {@code false}) {@code then} leaves
 * none, a black list. Conditions are joined with {@code &}; each is {@code key = values} or
 * {@code key != values}, values a comma list of globs ({@code 10.20.*}), ranges
 * ({@code 8000~8999}, an end may be left open) or, in {@code then}, references to a consumer
 * parameter ({@code $host}). Keys: {@code method} (the call's method), {@code arguments[i]} (its
 * argument as text), {@code attachments[k]}, {@code host}, {@code port}, {@code address},
 * {@code protocol}, {@code path}, or any URL parameter; prefixes {@code consumer.} and
 * {@code provider.} are ignored. A key the URL or call does not have matches no condition,
 * {@code !=} included. Unless the rule is forced, a match that leaves no provider keeps them all.
 *
 * <p>The multi-destination form (Dubbo's v3.1) gives {@code then} several destinations, each
 * with a weight (default 100); a call goes to one destination that has providers, chosen at
 * random by weight. There an empty destination keeps every provider and an empty list of
 * destinations leaves none.
 */
public final class ConditionRouter implements Router {

    /** Dubbo's weight of a destination that gives none, or not a positive one. */
    public static final int DEFAULT_WEIGHT = 100;

    /** A condition key followed by its separator: {@code &}, {@code =}, {@code !=} or {@code ,}. */
    private static final Pattern TOKEN = Pattern.compile("([&!=,]*+)\\s*+([^&!=,\\s]++)");
    private static final Pattern ARGUMENT = Pattern.compile("arguments\\[([0-9]{1,9})]");
    private static final Pattern ATTACHMENT = Pattern.compile("attachments\\[(.+)]");
    /** What a missing argument reads as: matches only {@code !=}. */
    private static final String NOT_FOUND = "\u0000not found";

    private final String rule;
    private final String source;
    private final Condition[] when;
    private final List<Destination> destinations;
    private final boolean force;
    private final int priority;

    private ConditionRouter(String rule, String source, Condition[] when, List<Destination> destinations,
            boolean force, int priority) {
        this.rule = rule;
        this.source = source;
        this.when = when;
        this.destinations = destinations;
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

    /** Parses a rule that is forced or not and runs at {@code priority} among code-given routers. */
    public static ConditionRouter parse(String rule, boolean force, int priority) {
        return parse(rule, force, priority, "");
    }

    /**
     * Parses a rule read from {@code source} (a config-center key or a registry path, named in
     * errors and in {@link #toString()}).
     */
    public static ConditionRouter parse(String rule, boolean force, int priority, String source) {
        requireNonNull(rule, "rule");
        requireNonNull(source, "source");
        if (rule.isBlank()) {
            throw new IllegalArgumentException("condition rule: empty (expected: <when> => <then>)");
        }
        String text = unprefixed(rule);
        int arrow = text.indexOf("=>");
        String whenPart = arrow < 0 ? "" : text.substring(0, arrow).trim();
        String thenPart = arrow < 0 ? text.trim() : text.substring(arrow + 2).trim();
        Condition[] then = conditions(rule, thenPart, "false");
        List<Destination> to = then.length == 0 ? List.of() : List.of(new Destination(then, DEFAULT_WEIGHT));
        return new ConditionRouter(rule, source, conditions(rule, whenPart, "true"), to, force, priority);
    }

    /**
     * The multi-destination form: {@code when} and the destinations {@code then} (a weight of
     * zero or less is {@link #DEFAULT_WEIGHT}).
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    public static ConditionRouter multi(String when, List<Target> then, boolean force, String source) {
        requireNonNull(when, "when");
        requireNonNull(then, "then");
        requireNonNull(source, "source");
        Condition[] whenConditions = conditions(when, unprefixed(when).trim(), "true");
        List<Destination> to = new ArrayList<>(then.size());
        for (Target target : then) {
            to.add(new Destination(conditions(target.match(), unprefixed(target.match()).trim(), "false"),
                    target.weight() <= 0 ? DEFAULT_WEIGHT : target.weight()));
        }
        String rule = when + " => " + String.join(" | ", then.stream().map(t -> t.match() + " (" + t.weight() + ")")
                .toList());
        return new ConditionRouter(rule, source, whenConditions, List.copyOf(to), force, 0);
    }

    private static String unprefixed(String rule) {
        return rule.replace("consumer.", "").replace("provider.", "");
    }

    /**
     * The conditions of {@code part}; none when it is empty or is the word that says none there
     * ({@code true} in {@code when}, {@code false} in {@code then}).
     */
    private static Condition[] conditions(String rule, String part, String none) {
        if (part.isEmpty() || part.equals(none)) {
            return NONE;
        }
        Map<String, Condition> conditions = new LinkedHashMap<>();
        Condition current = null;
        Set<String> values = null;
        Matcher m = TOKEN.matcher(part);
        int at = 0;
        while (m.find()) {
            String gap = part.substring(at, m.start()).trim();
            if (!gap.isEmpty()) {
                throw malformed(rule, gap, at);
            }
            at = m.end();
            String separator = m.group(1);
            String content = m.group(2);
            switch (separator) {
                case "", "&" -> {
                    current = conditions.computeIfAbsent(content, Condition::new);
                    values = null;
                }
                case "=" -> {
                    if (current == null) {
                        throw malformed(rule, separator, m.start());
                    }
                    values = current.matches;
                    values.add(content);
                }
                case "!=" -> {
                    if (current == null) {
                        throw malformed(rule, separator, m.start());
                    }
                    values = current.mismatches;
                    values.add(content);
                }
                case "," -> {
                    if (values == null || values.isEmpty()) {
                        throw malformed(rule, separator, m.start());
                    }
                    values.add(content);
                }
                default -> throw malformed(rule, separator, m.start());
            }
        }
        String rest = part.substring(at).trim();
        if (!rest.isEmpty()) {
            throw malformed(rule, rest, at);
        }
        for (Condition condition : conditions.values()) {
            if (condition.matches.isEmpty() && condition.mismatches.isEmpty()) {
                throw new IllegalArgumentException("condition rule '" + shown(rule) + "': '" + condition.key
                        + "' has no value (expected: key = value[,value...] or key != value[,value...])");
            }
            condition.freeze();
        }
        return conditions.values().toArray(new Condition[0]);
    }

    private static IllegalArgumentException malformed(String rule, String what, int at) {
        return new IllegalArgumentException("condition rule '" + shown(rule) + "': unexpected '" + shown(what) + "' at "
                + at + " (expected: key = value[,value...] or key != value[,value...], joined with &)");
    }

    /** A rule as an error shows it: whole when short, else its start and its length. */
    private static String shown(String text) {
        return text.length() <= 120 ? text : text.substring(0, 100) + "... (" + text.length() + " characters)";
    }

    @Override
    public int priority() {
        return priority;
    }

    /** Whether the rule is forced: then a match that leaves no provider leaves none. */
    public boolean force() {
        return force;
    }

    /** Where the rule came from; empty when given in code. */
    public String source() {
        return source;
    }

    /** The rule's text. */
    public String rule() {
        return rule;
    }

    @Override
    public <T> List<Provider<T>> route(List<Provider<T>> invokers, ServiceUrl consumerUrl, Invocation invocation) {
        if (invokers.isEmpty() || !matchesWhen(consumerUrl, invocation)) {
            return invokers;
        }
        if (destinations.isEmpty()) {
            return List.of(); // a black list: this consumer may call no provider
        }
        if (destinations.size() == 1) {
            List<Provider<T>> result = destination(destinations.get(0), invokers, consumerUrl);
            return result.isEmpty() && !force ? invokers : result;
        }
        // one destination of those with providers, at random by weight, in one pass: each replaces the
        // one chosen so far with the chance its weight has of the weights seen so far
        List<Provider<T>> chosen = null;
        long total = 0;
        for (Destination destination : destinations) {
            List<Provider<T>> result = destination(destination, invokers, consumerUrl);
            if (!result.isEmpty()) {
                total += destination.weight;
                if (ThreadLocalRandom.current().nextLong(total) < destination.weight) {
                    chosen = result;
                }
            }
        }
        return chosen != null ? chosen : force ? List.of() : invokers;
    }

    /** A rule that leaves a call no provider without being forced is a black list, and says so. */
    @Override
    public <T> @Nullable String whyNone(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        return route(providers, consumerUrl, invocation).isEmpty() ? this + (force ? "" : " (a black list)") : null;
    }

    /** The providers of every destination whose providers a call may be given; for tests and tools. */
    public <T> List<List<Provider<T>>> destinations(List<Provider<T>> invokers, ServiceUrl consumerUrl) {
        List<List<Provider<T>>> all = new ArrayList<>(destinations.size());
        for (Destination destination : destinations) {
            List<Provider<T>> result = destination(destination, invokers, consumerUrl);
            if (!result.isEmpty()) {
                all.add(result);
            }
        }
        return all;
    }

    /** Whether a call of this consumer is one the rule is about. */
    public boolean matchesWhen(ServiceUrl consumerUrl, Invocation invocation) {
        for (Condition condition : when) {
            if (!condition.test(valueOf(condition.key, consumerUrl, consumerUrl, invocation), null, true)) {
                return false;
            }
        }
        return true;
    }

    private static <T> List<Provider<T>> destination(Destination destination, List<Provider<T>> invokers,
            ServiceUrl consumerUrl) {
        Condition[] then = destination.then;
        return then.length == 0 ? invokers
                : RouterChain.filter(invokers, invoker -> matchesThen(then, invoker.url(), consumerUrl));
    }

    private static boolean matchesThen(Condition[] then, ServiceUrl provider, ServiceUrl consumerUrl) {
        for (Condition condition : then) {
            if (!condition.test(valueOf(condition.key, provider, consumerUrl, null), consumerUrl, false)) {
                return false;
            }
        }
        return true;
    }

    /**
     * What {@code key} reads in {@code url} (the consumer's in {@code when}, a provider's in
     * {@code then}, where no call is looked at). A provider's {@code application} is the
     * consumer's, as in Dubbo's merged provider URL, and {@code remote.application} the provider's.
     */
    private static @Nullable String valueOf(String key, ServiceUrl url, ServiceUrl consumerUrl,
            @Nullable Invocation invocation) {
        switch (key) {
            case "method", "methods" -> {
                return invocation != null ? invocation.methodName() : url.parameter(key);
            }
            case "host" -> {
                return url.host();
            }
            case "port" -> {
                return url.port() > 0 ? Integer.toString(url.port()) : null;
            }
            case "address" -> {
                return url.address();
            }
            case "protocol" -> {
                return url.protocol();
            }
            case "path" -> {
                return url.path();
            }
            case "interface" -> {
                return url.interfaceName();
            }
            case "application" -> {
                return url == consumerUrl ? url.parameter(key) : consumerUrl.parameter(key);
            }
            case "remote.application" -> {
                return url == consumerUrl ? url.parameter(key) : url.parameter("application");
            }
            default -> {
                if (key.startsWith("arguments[")) {
                    return argument(key, invocation);
                }
                if (key.startsWith("attachments[")) {
                    return attachment(key, invocation);
                }
                return url.parameter(key);
            }
        }
    }

    private static String argument(String key, @Nullable Invocation invocation) {
        Matcher m = ARGUMENT.matcher(key);
        if (invocation == null || !m.lookingAt()) {
            return NOT_FOUND;
        }
        int index = Integer.parseInt(m.group(1));
        Object[] arguments = invocation.arguments();
        return index < arguments.length ? String.valueOf(arguments[index]) : NOT_FOUND;
    }

    private static @Nullable String attachment(String key, @Nullable Invocation invocation) {
        Matcher m = ATTACHMENT.matcher(key.split("\\.", 2)[0]);
        if (invocation == null || !m.lookingAt()) {
            return NOT_FOUND;
        }
        Object value = invocation.attachment(m.group(1));
        return value == null ? null : value.toString();
    }

    @Override
    public String toString() {
        return "condition route " + (source.isEmpty() ? "" : source + " ") + "'" + rule + "'"
                + (force ? " (force)" : "");
    }

    /** A destination of the multi-destination form: the providers {@code match} selects, and its weight. */
    public record Target(String match, int weight) {
        public Target {
            requireNonNull(match, "match");
        }
    }

    /** One destination: the conditions a provider meets to be in it, and its weight. */
    @SuppressWarnings("ArrayRecordComponent") // never compared, never handed out
    private record Destination(Condition[] then, int weight) {
    }

    private static final Condition[] NONE = {};

    /** The values a key must match, and those it must not, read once into patterns. */
    private static final class Condition {
        final String key;
        final Set<String> matches = new LinkedHashSet<>(2);
        final Set<String> mismatches = new LinkedHashSet<>(1);
        private ValuePattern[] matchPatterns = {};
        private ValuePattern[] mismatchPatterns = {};

        Condition(String key) {
            this.key = key;
        }

        /** Reads the values into patterns, once the rule is parsed. */
        void freeze() {
            matchPatterns = matches.stream().map(ValuePattern::new).toArray(ValuePattern[]::new);
            mismatchPatterns = mismatches.stream().map(ValuePattern::new).toArray(ValuePattern[]::new);
        }

        boolean test(@Nullable String actual, @Nullable ServiceUrl consumerUrl, boolean inWhen) {
            if (actual == null) {
                return false;
            }
            for (ValuePattern pattern : mismatchPatterns) {
                if (pattern.matches(actual, consumerUrl, inWhen)) {
                    return false;
                }
            }
            if (matchPatterns.length == 0) {
                return mismatchPatterns.length > 0;
            }
            for (ValuePattern pattern : matchPatterns) {
                if (pattern.matches(actual, consumerUrl, inWhen)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * One value of a condition, read once: a range when it holds {@code ~} (a value or bound that
     * is not a number matches in {@code then} only), else a glob, where {@code $key} stands for
     * the consumer's {@code key} (in {@code then}, where the consumer's URL is given).
     */
    private static final class ValuePattern {
        private final String text;
        private final boolean range;
        private final boolean rangeValid;
        private final long low;
        private final long high;
        /** The part before the last {@code *} and after it; null without one. */
        private final @Nullable String prefix;
        private final @Nullable String suffix;

        ValuePattern(String text) {
            this.text = text;
            this.range = text.indexOf('~') >= 0;
            long lowBound = Long.MIN_VALUE;
            long highBound = Long.MAX_VALUE;
            boolean valid = false;
            if (range) {
                String[] bounds = text.split("~", -1);
                if (bounds.length == 2 && !(bounds[0].isEmpty() && bounds[1].isEmpty())) {
                    try {
                        lowBound = bounds[0].isEmpty() ? Long.MIN_VALUE : Long.parseLong(bounds[0].trim());
                        highBound = bounds[1].isEmpty() ? Long.MAX_VALUE : Long.parseLong(bounds[1].trim());
                        valid = true;
                    } catch (NumberFormatException e) {
                        valid = false;
                    }
                }
            }
            this.rangeValid = valid;
            this.low = lowBound;
            this.high = highBound;
            int star = text.lastIndexOf('*');
            this.prefix = star < 0 || text.equals("*") ? null : text.substring(0, star);
            this.suffix = star < 0 || text.equals("*") ? null : text.substring(star + 1);
        }

        boolean matches(String value, @Nullable ServiceUrl consumerUrl, boolean inWhen) {
            if (range) {
                if (!rangeValid) {
                    return !inWhen;
                }
                try {
                    long v = Long.parseLong(value.trim());
                    return v >= low && v <= high;
                } catch (NumberFormatException e) {
                    return !inWhen;
                }
            }
            if (consumerUrl != null && text.startsWith("$")) {
                return glob(valueOf(text.substring(1), consumerUrl, consumerUrl, null), value);
            }
            if (text.equals("*")) {
                return true;
            }
            if (text.isEmpty()) {
                return value.isEmpty();
            }
            if (value.isEmpty()) {
                return false;
            }
            String before = prefix;
            String after = suffix;
            return before == null || after == null ? text.equals(value)
                    : value.startsWith(before) && value.endsWith(after);
        }
    }

    /** Dubbo's glob: {@code *} alone, or the last {@code *} at the start, end or middle. */
    static boolean glob(@Nullable String pattern, String value) {
        if ("*".equals(pattern)) {
            return true;
        }
        if (pattern == null || pattern.isEmpty()) {
            return value.isEmpty();
        }
        if (value.isEmpty()) {
            return false;
        }
        int star = pattern.lastIndexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String prefix = pattern.substring(0, star);
        String suffix = pattern.substring(star + 1);
        return value.startsWith(prefix) && value.endsWith(suffix);
    }
}
