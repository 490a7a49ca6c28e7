package io.tern.registry;

import io.tern.ServiceUrl;
import io.tern.cluster.Configurator;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every governance rule a ZooKeeper registry in Dubbo's layout holds, read as Tern reads it: the
 * config center's condition routes, tag routes, override rules and migration rules, the script
 * routes and mesh rules Tern refuses, and the legacy {@code override://} and {@code route://}
 * URLs under each service. For {@code tern rules}, to see what is in force and find what would
 * be refused before consumers do.
 */
public final class RuleCheck {

    /**
     * A rule at {@code where} (a config-center key, or a registry path), of {@code kind}, and why
     * it is refused, or null when Tern applies it.
     */
    public record Checked(String where, String kind, @Nullable String problem) {
        public boolean refused() {
            return problem != null;
        }
    }

    private RuleCheck() {
    }

    /** The rules in {@code registry}, config center first, each checked. */
    public static List<Checked> check(ZooKeeperRegistry registry) {
        ZooKeeperApplications config = registry.applications();
        List<Checked> all = new ArrayList<>();
        for (String key : config.configKeys(config.ruleGroup())) {
            String text = config.config(config.ruleGroup(), key);
            if (text != null) {
                all.add(checkKey(key, text));
            }
        }
        for (String key : config.configKeys(MigrationRule.GROUP)) {
            String text = config.config(MigrationRule.GROUP, key);
            if (text != null) {
                all.add(checked(MigrationRule.GROUP + "/" + key, "migration", () -> MigrationRule.parse(text)));
            }
        }
        for (String service : registry.services()) {
            for (ServiceUrl url : registry.registered(service, "configurators")) {
                if (!url.isEmptyProtocol()) {
                    all.add(checked(config.servicePath(service) + "/configurators/" + url, "override",
                            () -> Configurator.of(url)));
                }
            }
            for (ServiceUrl url : registry.registered(service, "routers")) {
                if (!url.isEmptyProtocol()) {
                    String where = config.servicePath(service) + "/routers/" + url;
                    all.add(checked(where, "condition route", () -> RouteRules.routeUrl(url, where)));
                }
            }
        }
        return all;
    }

    /** One config-center rule of the group {@code dubbo}. */
    static Checked checkKey(String key, String text) {
        String unsupported = RouteRules.unsupported(key);
        if (unsupported != null) {
            return new Checked(key, key.endsWith(RouteRules.SCRIPT_SUFFIX) ? "script route" : "mesh rule", unsupported);
        }
        if (key.endsWith(RouteRules.CONDITION_SUFFIX)) {
            return checked(key, "condition route", () -> RouteRules.condition(text, key));
        }
        if (key.endsWith(RouteRules.TAG_SUFFIX)) {
            return checked(key, "tag route", () -> RouteRules.tag(text, key));
        }
        if (key.endsWith(OverrideRules.SUFFIX)) {
            return checked(key, "override", () -> {
                if (text.isBlank()) {
                    throw new IllegalArgumentException("override rule: empty (expected: a rule; to take the rules"
                            + " away, delete the node)");
                }
                return OverrideRules.parse(text);
            });
        }
        return new Checked(key, "not a rule", null);
    }

    private static Checked checked(String where, String kind, java.util.function.Supplier<?> read) {
        try {
            Object rule = read.get();
            return new Checked(where, kind, rule == null ? "not read" : null);
        } catch (IllegalArgumentException e) {
            return new Checked(where, kind, String.valueOf(e.getMessage()));
        }
    }
}
