package io.tern.cli;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.RpcContext;
import java.time.Duration;
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

/**
 * {@code tern call}: one generic call to any dubbo-protocol provider, or one call in JSON to a
 * Triple port, the result as JSON.
 */
@Command(name = "call",
        description = {"Calls a method of any dubbo-protocol provider (Tern or Apache Dubbo) generically and"
                + " prints the result as JSON.",
            "A tri:// or http://host:port/Service URL calls the service's Triple port in JSON over HTTP/1.1"
                + " instead (no --types needed: the provider binds the arguments to its method's).",
            "Arguments are JSON: 42, \"text\", [1, 2], {\"id\": 1} (POJOs as objects, with an optional"
                + " \"class\")."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the call returned", "1:the call failed (error from the provider, unreachable, timeout)",
            "2:usage error (bad option, URL or JSON)"})
final class CallCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @CommandLine.Mixin
    CallOptions options = new CallOptions();

    @Option(names = "--attachment", paramLabel = "KEY=VALUE", description = "an attachment sent with the call")
    Map<String, String> attachments = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (JsonCall.handles(options.url)) {
            Json.arguments(options.arguments); // each argument must be JSON, as for the other forms
            Object result = JsonCall.call(options.url, options.service, options.method, options.arguments,
                    options.group, options.version, options.timeout, attachments, options.tls.client());
            spec.commandLine().getOut().println(Json.pretty(result));
            return 0;
        }
        Object[] args = Json.arguments(options.arguments);
        String @Nullable [] types = options.types(args.length);
        Json.checkNumbers(args, types);
        try (Target target = Target.open(options.spec(1))) {
            attachments.forEach(RpcContext::setAttachment);
            Object result;
            try {
                result = target.invoke(options.method, types, args);
            } catch (RpcException e) {
                throw CallOptions.explain(e, types);
            }
            spec.commandLine().getOut().println(Json.pretty(result));
            return 0;
        }
    }

    /** The parameters and options {@code call} and {@code bench} share. */
    static final class CallOptions {
        @Parameters(index = "0", paramLabel = "URL",
                description = "dubbo://host:port/com.example.Service[?version=..&group=..], a registry"
                        + " zookeeper://host:port with --service, or tri:// or http://host:port/com.example.Service")
        String url;

        @Parameters(index = "1", paramLabel = "METHOD", description = "the method to call")
        String method;

        @Parameters(index = "2..*", paramLabel = "ARG_JSON", description = "the arguments, one JSON value each")
        List<String> arguments = new ArrayList<>();

        @Option(names = "--types", split = ",", paramLabel = "T1,T2",
                description = "the parameter types (java.lang.String, long, com.example.User);"
                        + " Tern providers find the method by name without them")
        List<String> types;

        @Option(names = "--service", paramLabel = "INTERFACE",
                description = "the service to call: needed with a registry URL")
        String service;

        @Option(names = "--group", description = "the service group") String group;

        @Option(names = "--version", description = "the service version") String version;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
                description = "how long a call may take (500ms, 3s, 1m; default ${DEFAULT-VALUE})")
        Duration timeout;

        @CommandLine.Mixin
        TlsOptions tls = new TlsOptions();

        String @Nullable [] types(int argumentCount) {
            if (types == null) {
                return null;
            }
            List<String> named = types.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
            if (named.size() != argumentCount) {
                throw new UsageException("--types names " + named.size() + " types for " + argumentCount
                        + " arguments (expected: one type per argument)");
            }
            named.forEach(CallOptions::checkType);
            return named.toArray(String[]::new);
        }

        private static final java.util.Set<String> PRIMITIVES = java.util.Set.of("boolean", "byte", "char", "short",
                "int", "long", "float", "double");
        private static final java.util.regex.Pattern DESCRIPTOR =
                java.util.regex.Pattern.compile("\\[+([ZBCSIJFD]|L[\\w$]+(\\.[\\w$]+)*;)");

        /**
         * Refuses a name no provider could take for a type: a primitive ({@code long}), a full class
         * name ({@code java.lang.String}), either with {@code []}, or a JVM array descriptor.
         */
        static void checkType(String name) {
            if (DESCRIPTOR.matcher(name).matches()) {
                return;
            }
            String base = name;
            while (base.endsWith("[]")) {
                base = base.substring(0, base.length() - 2);
            }
            if (PRIMITIVES.contains(base)) {
                return;
            }
            boolean className = base.indexOf('.') > 0;
            for (String part : base.split("\\.", -1)) {
                className &= !part.isEmpty() && Character.isJavaIdentifierStart(part.charAt(0))
                        && part.chars().allMatch(Character::isJavaIdentifierPart);
            }
            if (!className) {
                throw new UsageException("--types: '" + name + "' is not a type (expected: a primitive such as long,"
                        + " or a full class name such as java.lang.String)");
            }
        }

        Target.Spec spec(int connections) {
            return new Target.Spec(url, service, group, version, timeout, connections, tls.client());
        }

        /** A failure, with the hint to pass {@code --types} when the provider could not find the method. */
        static RpcException explain(RpcException e, String @Nullable [] types) {
            boolean saysWhatIsExpected = e.getMessage() != null && e.getMessage().contains("(expected");
            if (types == null && !saysWhatIsExpected && (e.status() == RpcStatus.METHOD_NOT_FOUND
                    || e.status() == RpcStatus.SERVICE_ERROR || e.status() == RpcStatus.BAD_REQUEST)) {
                return new RpcException(e.status(), Failures.oneLine(e.getMessage())
                        + " (expected: --types T1,T2 for providers that need parameter types)", e);
            }
            return e;
        }
    }
}
