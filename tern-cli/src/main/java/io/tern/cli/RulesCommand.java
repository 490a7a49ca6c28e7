package io.tern.cli;

import io.tern.ServiceUrl;
import io.tern.registry.RuleCheck;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern rules}: the governance rules a ZooKeeper registry in Dubbo's layout holds, each checked. */
@Command(name = "rules",
        description = {"Lists the governance rules in a ZooKeeper registry in Apache Dubbo's layout (the config"
                + " center's condition routes, tag routes, override and migration rules, and the legacy override://"
                + " and route:// URLs under each service) and checks each as Tern reads it: 'ok', or why it is"
                + " refused (a refused rule leaves the rule before it in force).",
            "With --tls-trust it connects to ZooKeeper's secure client port over TLS."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every rule is read", "1:some rule is refused, or the registry cannot be read",
            "2:usage error"})
final class RulesCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "REGISTRY_URL", description = "zookeeper://host:port")
    String url;

    @Option(names = "--json", description = "print a JSON list instead of text")
    boolean json;

    @CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ServiceUrl registryUrl = ZooKeeperArgument.parse(url);
        List<RuleCheck.Checked> rules = ZooKeeperArgument.with(registryUrl, tls, RuleCheck::check);
        print(rules);
        return rules.stream().anyMatch(RuleCheck.Checked::refused) ? TernCli.FAILED : 0;
    }

    private void print(List<RuleCheck.Checked> rules) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, @Nullable Object>> listing = new ArrayList<>();
            for (RuleCheck.Checked rule : rules) {
                Map<String, @Nullable Object> r = new LinkedHashMap<>();
                r.put("where", rule.where());
                r.put("kind", rule.kind());
                r.put("refused", rule.refused());
                r.put("problem", rule.problem());
                listing.add(r);
            }
            out.println(Json.pretty(listing));
            return;
        }
        if (rules.isEmpty()) {
            out.println("(no rules)");
            return;
        }
        int width = rules.stream().mapToInt(r -> r.kind().length()).max().orElse(0);
        for (RuleCheck.Checked rule : rules) {
            out.println(rule.kind() + " ".repeat(width - rule.kind().length()) + "  " + rule.where() + "  "
                    + (rule.refused() ? "REFUSED: " + rule.problem() : "ok"));
        }
        long refused = rules.stream().filter(RuleCheck.Checked::refused).count();
        out.println(rules.size() + (rules.size() == 1 ? " rule, " : " rules, ") + refused + " refused");
    }
}
