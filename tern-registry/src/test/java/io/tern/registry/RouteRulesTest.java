package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tern.ServiceUrl;
import io.tern.cluster.ConditionRouter;
import io.tern.cluster.StringMatch;
import io.tern.cluster.TagRule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Route rules read as Dubbo 3.3 writes and reads them (the shapes of Dubbo's own test rules), and
 * refused whole, naming what is wrong, when they are not: unknown fields, values of the wrong
 * kind, versions Dubbo does not read, and texts built to exhaust the reader.
 */
class RouteRulesTest {

    @Test
    void conditionRulesOfDubbosShape() {
        RouteRules.ConditionRule rule = RouteRules.condition("""
                ---
                scope: application
                force: true
                runtime: false
                enabled: true
                priority: 1
                key: demo-consumer
                conditions:
                - method!=sayHello => address=30.5.120.16:20880
                - method=routeMethod1 =>
                ...
                """, "demo-consumer.condition-router");
        assertThat(rule.force()).isTrue();
        assertThat(rule.routers()).hasSize(2).allMatch(ConditionRouter::force);
        assertThat(rule.routers().get(0).toString()).isEqualTo("condition route demo-consumer.condition-router"
                + " 'method!=sayHello => address=30.5.120.16:20880' (force)");
        assertThat(rule.active()).hasSize(2);

        RouteRules.ConditionRule off = RouteRules.condition("enabled: false\nconditions: ['=> host = 1.2.3.4']\n",
                "k.condition-router");
        assertThat(off.routers()).hasSize(1);
        assertThat(off.active()).as("a disabled rule routes nothing").isEmpty();
    }

    @Test
    void multiDestinationRulesOfV31() {
        RouteRules.ConditionRule rule = RouteRules.condition("""
                configVersion: v3.1
                scope: service
                key: org.foo.DemoService
                force: false
                conditions:
                  - from: {match: "application = web"}
                    to:
                      - {match: "env = gray", weight: 20}
                      - {match: "env = prod"}
                  - to: [{match: "region = east"}]
                """, "org.foo.DemoService::.condition-router");
        assertThat(rule.routers()).hasSize(2);
        assertThat(rule.routers().get(0).rule()).isEqualTo("application = web => env = gray (20) | env = prod (100)");
    }

    @Test
    void tagRulesByAddressAndByParameter() {
        TagRule rule = RouteRules.tag("""
                ---
                force: true
                runtime: false
                enabled: true
                priority: 1
                key: demo-provider
                tags:
                - name: tag1
                  addresses: [30.5.120.16:20880]
                - name: tag2
                  addresses: [30.5.120.16:20881]
                ...
                """, "demo-provider.tag-router");
        assertThat(rule.force()).isTrue();
        assertThat(rule.tags()).extracting(TagRule.Tag::name).containsExactly("tag1", "tag2");

        TagRule v30 = RouteRules.tag("""
                configVersion: v3.0
                key: demo-provider
                tags:
                  - name: gray
                    match:
                      - key: env
                        value: {prefix: gray}
                      - key: region
                        value: {noempty: true}
                """, "demo-provider.tag-router");
        assertThat(v30.tags().get(0).match()).extracting(TagRule.ParamMatch::kind)
                .containsExactly(StringMatch.Kind.PREFIX, StringMatch.Kind.NOEMPTY);
        assertThat(RouteRules.tag("key: demo-provider\ntags: []\n", "k").tags()).as("no tags: routes as no rule")
                .isEmpty();
    }

    @Test
    void legacyRouteUrls() {
        ServiceUrl url = ServiceUrl.parse("route://0.0.0.0/org.foo.DemoService?category=routers&router=condition"
                + "&force=true&priority=3&enabled=true&rule=" + ServiceUrl.encode("host = 10.0.0.1 => host = 10.0.0.2"));
        RouteRules.ConditionRule rule = RouteRules.routeUrl(url, "/dubbo/org.foo.DemoService/routers");
        assertThat(rule.routers().get(0).priority()).isEqualTo(3);
        assertThat(rule.routers().get(0).rule()).isEqualTo("host = 10.0.0.1 => host = 10.0.0.2");
        assertThatThrownBy(() -> RouteRules.routeUrl(url.toBuilder().parameter("router", "script").build(), "/r"))
                .hasMessage("route /r: router=script (expected: condition; script routes run code from the registry"
                        + " and are not run by Tern)");
    }

    @Test
    void rulesThatDubboWouldNotReadOrThatNameUnknownFieldsAreRefused() {
        assertThatThrownBy(() -> RouteRules.condition("conditions: ['=> a = b']\nweight: 3\n", "k"))
                .hasMessageStartingWith("condition route k: unknown field 'weight' (expected: conditions, configVersion,");
        assertThatThrownBy(() -> RouteRules.condition("conditions: []\n", "k"))
                .hasMessageStartingWith("condition route k: conditions is empty");
        assertThatThrownBy(() -> RouteRules.condition("configVersion: v3.2\nconditions: ['=> a = b']\n", "k"))
                .hasMessage("condition route k: configVersion v3.2 (expected: v3.1 or earlier, as Dubbo 3.3 reads)");
        assertThatThrownBy(() -> RouteRules.condition("force: maybe\nconditions: ['=> a = b']\n", "k"))
                .hasMessage("condition route k: force 'maybe' (expected: true or false)");
        assertThatThrownBy(() -> RouteRules.condition("conditions: ['=> a =']\n", "k"))
                .hasMessageStartingWith("condition route k: conditions[0]: condition rule '=> a ='");
        assertThatThrownBy(() -> RouteRules.condition("conditions:\n  - from: {match: a = b}\n", "k"))
                .hasMessageContaining("conditions[0] is a OBJECT (expected: a text '<when> => <then>';"
                        + " the multi-destination form needs configVersion: v3.1)");
        assertThatThrownBy(() -> RouteRules.condition("configVersion: v3.1\nconditions:\n  - from: {match: a = b}\n"
                + "    to: [{match: c = d, weight: heavy}]\n", "k"))
                .hasMessage("condition route k: conditions[0].to[0]: weight 'heavy' (expected: a whole number)");
        assertThatThrownBy(() -> RouteRules.tag("tags:\n  - name: gray\n    match: [{key: a, value: {exact: b}}]\n",
                "k")).hasMessage("tag route k: tags[0]: match needs configVersion: v3.0 (Dubbo reads match only in"
                        + " v3.0 rules)");
        assertThatThrownBy(() -> RouteRules.tag("configVersion: v3.0\ntags:\n  - name: gray\n"
                + "    match: [{key: a, value: {like: b}}]\n", "k"))
                .hasMessage("tag route k: tags[0].match[0].value.like (expected: one of exact, prefix, regex, wildcard,"
                        + " empty, noempty)");
        assertThatThrownBy(() -> RouteRules.tag("tags:\n  - name: gray\n    addresses: [10.0.0.300-400.*]\n", "k"))
                .hasMessageStartingWith("tag route k: tag route address: '10.0.0.300-400.*'");
        assertThatThrownBy(() -> RouteRules.condition("", "k")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RouteRules.condition("[a, b]", "k"))
                .hasMessageStartingWith("condition route k: a ARRAY (expected: a mapping of");
        assertThatThrownBy(() -> RouteRules.condition("conditions: ['=> a = b']\nforce: true\nforce: false\n", "k"))
                .as("a key said twice").hasMessageContaining("not YAML").hasMessageContaining("force");
    }

    @Test
    void hostileTextsAreRefusedWithinBounds() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            String bomb = "key: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                    + "scope: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\npriority: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                    + "runtime: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nforce: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                    + "conditions: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
            assertThatThrownBy(() -> RouteRules.condition(bomb, "k"))
                    .hasMessage("condition route k: an alias (*a) at line 2 (expected: values written out; Tern does"
                            + " not expand YAML aliases)");
            String deep = "conditions: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
            assertThatThrownBy(() -> RouteRules.condition(deep, "k")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("depth");
            String huge = "conditions:\n" + "  - '=> host = 10.0.0.1'\n".repeat(500_000);
            assertThatThrownBy(() -> RouteRules.condition(huge, "k"))
                    .hasMessage("condition route k: " + huge.length() + " characters (expected: at most 1048576)");
            String manyConditions = "conditions:\n" + "  - 'method = a & host = 10.0.0.1 => host = 10.0.0.2'\n"
                    .repeat(15_000);
            assertThat(RouteRules.condition(manyConditions, "k").routers()).as("under the limit: read")
                    .hasSize(15_000);
            String backtracking = "configVersion: v3.0\ntags:\n  - name: slow\n    match: [{key: env, value: {regex:"
                    + " '(a|aa)+$'}}]\n";
            TagRule rule = RouteRules.tag(backtracking, "k");
            assertThat(rule.tags()).hasSize(1);
        });
    }
}
