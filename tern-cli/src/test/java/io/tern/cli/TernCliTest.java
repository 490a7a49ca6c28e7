package io.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.core.RpcContext;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.testing.TernCleanup;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every subcommand end to end against Tern servers in this process, and every documented failure. */
class TernCliTest {

    /** A service for what UserService cannot show: attachments and slowness. */
    public interface Probe {
        String attachment(String key);

        String sleep(long millis) throws InterruptedException;
    }

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static TernServer server;
    private static String users;
    private static String probe;

    @BeforeAll
    static void start() {
        server = cleanup.register(Tern.server().triple(true).service(UserService.class, new UserServiceImpl())
                .service(Probe.class, new Probe() {
                    @Override
                    public String attachment(String key) {
                        return String.valueOf(RpcContext.requestAttachments().get(key));
                    }

                    @Override
                    public String sleep(long millis) throws InterruptedException {
                        Thread.sleep(millis);
                        return "slept";
                    }
                }).start());
        users = "dubbo://127.0.0.1:" + server.port() + "/" + UserService.class.getName();
        probe = "dubbo://127.0.0.1:" + server.port() + "/" + Probe.class.getName();
    }

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void callOverTriplesJsonFormNeedsNoTypes() throws IOException {
        String tri = "tri://127.0.0.1:" + server.port() + "/" + UserService.class.getName();
        CliRun user = CliRun.of("call", tri, "getUser", "5");
        assertThat(user.exit()).as(user.toString()).isZero();
        assertThat(json(user.out()).get("id").asLong()).isEqualTo(5);
        assertThat(json(user.out()).get("birthday").asText()).matches("\\d{4}-\\d{2}-\\d{2}");

        CliRun http = CliRun.of("call", "http://127.0.0.1:" + server.port() + "/" + Probe.class.getName(),
                "attachment", "\"who\"", "--attachment", "who=me");
        assertThat(json(http.out()).asText()).as(http.toString()).isEqualTo("me");

        CliRun thrown = CliRun.of("call", tri, "getUser", "-1");
        assertThat(thrown.exit()).isEqualTo(1);
        assertThat(thrown.errorLines()).singleElement().asString()
                .isEqualTo("tern call: SERVICE_ERROR: io.tern.example.UserNotFoundException: no user -1 (ids start at 1)");
        CliRun missing = CliRun.of("call", tri, "wave");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.errorLines()).singleElement().asString().startsWith("tern call: SERVICE_NOT_FOUND: method"
                + " not found: io.tern.example.UserService.wave");
        CliRun closed = CliRun.of("call", "tri://127.0.0.1:" + closedPort() + "/" + UserService.class.getName(),
                "echo", "\"x\"");
        assertThat(closed.exit()).isEqualTo(1);
        assertThat(closed.errorLines()).singleElement().asString().startsWith("tern call: NETWORK: cannot connect");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "serve", "call", "ls", "rules", "bench"})
    void everySubcommandHasHelp(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Usage: tern " + command);
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() {
        CliRun none = CliRun.of();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("tern: no command given (expected one of: demo, serve, call, ls, rules, bench)\n");
        CliRun unknown = CliRun.of("fly");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().lines()).hasSize(1);
    }

    @Test
    void demoRunsEverythingAndReportsNoLeak() {
        CliRun run = CliRun.of("demo");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("sync       getUser(1) -> Zoë Ångström 张伟 1")
                .contains("async      getUserAsync(2) -> ")
                .contains("exception  getUser(-1) -> UserNotFoundException: no user -1")
                .contains("generic    $invoke(listUser, [int], [0]) -> a Page with 15 users")
                .contains("consumer   noticed: NO_PROVIDER")
                .contains("lifecycle report (level paranoid)")
                .contains("nothing leaked");
    }

    @Test
    void callPrintsTheResultAsJson() throws IOException {
        CliRun run = CliRun.of("call", users, "getUser", "3");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode user = json(run.out());
        assertThat(user.get("id").asLong()).isEqualTo(3);
        assertThat(user.get("name").asText()).isEqualTo("Zoë Ångström 张伟 3");
        assertThat(user.get("birthday").asText()).isEqualTo("1990-01-04");
        assertThat(user.get("createTime").asText()).isEqualTo("2024-01-01T09:33:00");

        CliRun typed = CliRun.of("call", users, "listUser", "2", "--types", "int");
        assertThat(json(typed.out()).get("result")).hasSize(15);
        assertThat(json(CliRun.of("call", users, "existUser", "\"a@example.com\"").out()).asBoolean()).isTrue();
    }

    @Test
    void callSendsAttachments() throws IOException {
        CliRun run = CliRun.of("call", probe, "attachment", "\"tenant\"", "--attachment", "tenant=blue");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(json(run.out()).asText()).isEqualTo("blue");
    }

    @Test
    void callFailuresExitOneWithOneLine() {
        CliRun thrown = CliRun.of("call", users, "getUser", "-1");
        assertThat(thrown.exit()).isEqualTo(1);
        assertThat(thrown.err()).isEqualTo("tern call: io.tern.example.UserNotFoundException: no user -1"
                + " (ids start at 1)\n");

        CliRun unknown = CliRun.of("call", users, "fetchUser", "1");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.errorLines()).singleElement().asString()
                .startsWith("tern call: BAD_REQUEST: ").contains("method: fetchUser with 1 arguments")
                .contains("getUser(long)");

        CliRun timeout = CliRun.of("call", probe, "sleep", "2000", "--timeout", "200ms");
        assertThat(timeout.exit()).isEqualTo(1);
        assertThat(timeout.errorLines()).singleElement().asString().startsWith("tern call: TIMEOUT: ");

        int closedPort = closedPort();
        CliRun unreachable = CliRun.of("call", "dubbo://127.0.0.1:" + closedPort + "/" + UserService.class.getName(),
                "echo", "\"x\"");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.errorLines()).singleElement().asString()
                .startsWith("tern call: NETWORK: ").contains("127.0.0.1:" + closedPort);
    }

    @Test
    void badInputIsAUsageErrorSayingWhatWasExpected() {
        CliRun json = CliRun.of("call", users, "echo", "hello");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.err()).startsWith("tern call: argument 1 is not JSON: ")
                .contains("a string needs quotes, e.g. '\"hello\"'").endsWith("(see 'tern call --help')\n");
        assertThat(json.err().lines()).hasSize(1);

        CliRun mode = CliRun.of("serve", "--port", "0", "--register-mode", "both");
        assertThat(mode.exit()).isEqualTo(2);
        assertThat(mode.err()).isEqualTo("tern serve: --register-mode both (expected: interface, instance or all)"
                + " (see 'tern serve --help')\n");

        CliRun url = CliRun.of("call", "dubbo:/nowhere", "echo", "\"x\"");
        assertThat(url.exit()).isEqualTo(2);
        assertThat(url.err()).isEqualTo("tern call: URL 'dubbo:/nowhere': protocol: missing in 'dubbo:/nowhere'"
                + " (expected: dubbo://host:port/com.example.Service, tri://host:port/com.example.Service"
                + " or zookeeper://host:port)"
                + " (see 'tern call --help')\n");

        CliRun noService = CliRun.of("call", "dubbo://127.0.0.1:" + server.port(), "echo", "\"x\"");
        assertThat(noService.exit()).isEqualTo(2);
        assertThat(noService.err()).contains("names no service (expected: dubbo://host:port/com.example.Service,"
                + " or --service)");

        CliRun types = CliRun.of("call", users, "echo", "\"x\"", "--types", "java.lang.String,int");
        assertThat(types.exit()).isEqualTo(2);
        assertThat(types.err()).contains("--types names 2 types for 1 arguments (expected: one type per argument)");

        for (String command : List.of("call", "bench")) {
            List<String> line = new java.util.ArrayList<>(List.of(command, "dubbo://127.0.0.1:1/"
                    + UserService.class.getName(), "getUser", "1", "--types", "lng"));
            if (command.equals("bench")) {
                line.addAll(List.of("--threads", "1", "--requests", "1"));
            }
            CliRun misspelt = CliRun.of(line.toArray(String[]::new));
            assertThat(misspelt.exit()).as("a usage error, before any connection: " + misspelt).isEqualTo(2);
            assertThat(misspelt.err()).isEqualTo("tern " + command + ": --types: 'lng' is not a type (expected: a"
                    + " primitive such as long, or a full class name such as java.lang.String) (see 'tern " + command
                    + " --help')\n");
        }
        for (String type : List.of("long", "int[]", "java.lang.String", "com.example.Outer$Inner[][]",
                "[Ljava.lang.String;", "[J")) {
            CallCommand.CallOptions.checkType(type);
        }

        CliRun huge = CliRun.of("call", users, "getUser", "1e999999", "--types", "long");
        assertThat(huge.exit()).isEqualTo(2);
        assertThat(huge.err()).startsWith("tern call: argument 1: ").contains("(expected: a long)");
        CliRun digits = CliRun.of("call", users, "getUser", "9".repeat(999), "--types", "long");
        assertThat(digits.exit()).isEqualTo(2);
        assertThat(digits.err()).contains("(999 characters) (expected: a long)");

        CliRun duration = CliRun.of("call", users, "echo", "\"x\"", "--timeout", "soon");
        assertThat(duration.exit()).isEqualTo(2);
        assertThat(duration.err().lines()).singleElement().asString().contains("'soon' is not a duration");
    }

    @Test
    void serveListensUntilInterruptedAndLsShowsItInTheRegistry() throws Exception {
        try (TestingServer zookeeper = new TestingServer(true)) {
            String registry = "zookeeper://" + zookeeper.getConnectString();
            SyncOutput out = new SyncOutput();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread serving = new Thread(() -> exit.set(TernCli.run(new String[] {"serve", "--port", "0",
                "--registry", registry + "?file-cache=false", "--application", "cli-test"}, out.stream(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))));
            serving.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> out.text().contains("listening on"));
            Matcher listening = Pattern.compile("^listening on dubbo://127\\.0\\.0\\.1:(\\d+)\nand on tri://127\\.0\\.0\\.1:\\1"
                    + " \\(gRPC; JSON over HTTP/1\\.1: curl .*\\)\n$").matcher(out.text());
            assertThat(listening.matches()).as(out.text()).isTrue();
            int port = Integer.parseInt(listening.group(1));

            CliRun direct = CliRun.of("call", "dubbo://127.0.0.1:" + port + "/" + UserService.class.getName(),
                    "echo", "\"über\"");
            assertThat(json(direct.out()).asText()).isEqualTo("über");
            CliRun discovered = CliRun.of("call", registry, "echo", "\"found\"", "--service",
                    UserService.class.getName());
            assertThat(discovered.exit()).as(discovered.toString()).isZero();
            assertThat(json(discovered.out()).asText()).isEqualTo("found");

            CliRun ls = CliRun.of("ls", registry);
            assertThat(ls.exit()).as(ls.toString()).isZero();
            String methods = "  version=-  group=-  application=cli-test  release=tern-0.1.0"
                    + "  methods=echo,existUser,getUser,getUserAsync,listUser  seen at=interface+application\n";
            String mapped = "  applications: cli-test  (mapping; see --applications)\n";
            assertThat(ls.out()).contains(UserService.class.getName() + "\n" + mapped + "  providers: 2\n"
                    + "    dubbo://127.0.0.1:" + port + methods + "    tri://127.0.0.1:" + port + methods
                    + "  consumers: 0\n");
            assertThat(ls.out()).as("the protobuf service, over Triple alone").contains("tern.example.Greeter\n"
                    + mapped + "  providers: 1\n    tri://127.0.0.1:" + port + "  version=-  group=-  application=cli-test"
                    + "  release=tern-0.1.0  methods=chat,sayHello,sayHelloStream  seen at=interface+application\n");
            JsonNode listing = json(CliRun.of("ls", registry, UserService.class.getName(), "--json").out());
            assertThat(listing.get(UserService.class.getName()).get("providers").get(0).get("address").asText())
                    .isEqualTo("dubbo://127.0.0.1:" + port);

            CliRun apps = CliRun.of("ls", registry, "--applications");
            assertThat(apps.exit()).as(apps.toString()).isZero();
            assertThat(apps.out()).matches("(?s)cli-test\n  instances: 1\n    127\\.0\\.0\\.1:" + port
                    + "  revision=[0-9a-f]{32}  endpoints=\\[\\{\"port\":" + port + ",\"protocol\":\"dubbo\"\\},"
                    + "\\{\"port\":" + port + ",\"protocol\":\"tri\"\\}\\]  metadata=local 2\\.0\\.0\n");

            try (TernServer instanceOnly = Tern.server().application("cli-instance").registry(registry
                    + "?file-cache=false").registerMode(io.tern.bootstrap.RegisterMode.INSTANCE)
                    .service(UserService.class, new UserServiceImpl()).start()) {
                CliRun levels = CliRun.of("ls", registry, UserService.class.getName());
                assertThat(levels.out()).as("seen at the application level only").containsPattern(
                        "\n  applications: cli-instance, cli-test  \\(mapping; see --applications\\)\n  providers: 3\n"
                        + "(.*\n){2}    127\\.0\\.0\\.1:" + instanceOnly.port()
                        + "  instance of cli-instance  revision=[0-9a-f]{32}  seen at=application\n");
            }

            CliRun missing = CliRun.of("ls", registry, "com.example.Nothing");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).startsWith("tern ls: no service com.example.Nothing at ");

            serving.interrupt();
            serving.join(30_000);
            assertThat(exit.get()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> CliRun.of("ls", registry).out()
                    .equals("(no services)\n") || !CliRun.of("ls", registry).out().contains("providers: 1"));
        }
    }

    @Test
    void serveWithAnOpsPortReportsMetricsAndGoesOfflineAndBack() throws Exception {
        try (TestingServer zookeeper = new TestingServer(true)) {
            String registry = "zookeeper://" + zookeeper.getConnectString();
            SyncOutput out = new SyncOutput();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread serving = new Thread(() -> exit.set(TernCli.run(new String[] {"serve", "--port", "0", "--ops-port",
                "0", "--registry", registry + "?file-cache=false", "--application", "ops-test"}, out.stream(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))));
            serving.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> out.text().contains("operations on"));
            Matcher lines = Pattern.compile("^listening on dubbo://127\\.0\\.0\\.1:(\\d+)\nand on tri://.*\noperations on "
                    + "(http://127\\.0\\.0\\.1:\\d+)\n$").matcher(out.text());
            assertThat(lines.matches()).as(out.text()).isTrue();
            String url = "dubbo://127.0.0.1:" + lines.group(1) + "/" + UserService.class.getName();
            String ops = lines.group(2);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops + path)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            java.util.function.Function<String, java.net.http.HttpResponse<String>> post = path -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops + path))
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            Pattern echoes = Pattern.compile("^dubbo_provider_requests_total\\{application_name=\"ops-test\",group=\"\","
                    + "interface=\"io\\.tern\\.example\\.UserService\",method=\"echo\",version=\"\"\\} (\\S+)$",
                    Pattern.MULTILINE);
            for (int i = 1; i <= 3; i++) {
                assertThat(CliRun.of("call", url, "echo", "\"n\"").exit()).isZero();
                Matcher calls = echoes.matcher(get.apply("/metrics").body());
                assertThat(calls.find()).isTrue();
                assertThat(Double.parseDouble(calls.group(1))).isEqualTo(i); // rising with the calls
            }
            assertThat(get.apply("/metrics").body()).contains("tern_lifecycle_live{kind=\"exporter\"} ");
            assertThat(get.apply("/ready").body()).isEqualTo("true\n");

            assertThat(post.apply("/offline?service=*UserService").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !CliRun.of("ls", registry, UserService.class.getName())
                    .out().contains("providers: 2"));
            assertThat(get.apply("/ready").statusCode()).isEqualTo(503);
            assertThat(CliRun.of("call", url, "echo", "\"still served\"").exit()).isZero(); // offline, not stopped

            assertThat(post.apply("/online?service=*UserService").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> CliRun.of("ls", registry, UserService.class.getName())
                    .out().contains("providers: 2"));
            assertThat(get.apply("/ready").body()).isEqualTo("true\n");

            String connected = "tern_registry_connected{registry=\"" + zookeeper.getConnectString() + "\"} ";
            assertThat(get.apply("/metrics").body()).contains(connected + "1.0");
            zookeeper.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> get.apply("/metrics").body().contains(connected + "0.0"));
            zookeeper.restart();
            await().atMost(Duration.ofSeconds(30)).until(() -> get.apply("/metrics").body().contains(connected + "1.0"));

            serving.interrupt();
            serving.join(30_000);
            assertThat(exit.get()).isZero();
        }
    }

    @Test
    void zookeeperRunsAStandaloneRegistryWhereCallFindsTripleOnlyProviders() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TernCli.class.getName(), "zookeeper", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            Matcher started = Pattern.compile("^ZooKeeper on (zookeeper://127\\.0\\.0\\.1:\\d+) \\(Ctrl-C stops it and"
                    + " deletes its data\\)$").matcher(String.valueOf(line));
            assertThat(started.matches()).as(line).isTrue();
            String registry = started.group(1);
            try (TernServer tripleOnly = Tern.server().application("tri-only").host("127.0.0.1").port(0).triple(true)
                    .registry(registry + "?file-cache=false")
                    .service(UserService.class, new UserServiceImpl(), o -> o.tripleOnly().group("tri-only")).start()) {
                CliRun found = CliRun.of("call", registry, "echo", "\"over tri\"", "--service",
                        UserService.class.getName(), "--group", "tri-only");
                assertThat(found.exit()).as(found.toString()).isZero();
                assertThat(json(found.out()).asText()).isEqualTo("over tri");
                assertThat(tripleOnly.stats("tri").serverCallsInFlight()).isZero();
            }
            Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertThat(interrupt.waitFor()).isZero();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(130);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void serveWithAnEmbeddedRegistrySaysWhereOtherProcessesFindIt() throws Exception {
        SyncOutput out = new SyncOutput();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serving = new Thread(() -> exit.set(TernCli.run(new String[] {"serve", "--port", "0", "--registry",
            "embedded://"}, out.stream(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))));
        serving.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> out.text().contains("embedded ZooKeeper"));
            Matcher embedded = Pattern.compile("(?m)^registered in the embedded ZooKeeper at (zookeeper://127\\.0\\.0"
                    + "\\.1:\\d+) \\(other processes: --registry \\1\\)$").matcher(out.text());
            assertThat(embedded.find()).as(out.text()).isTrue();
            CliRun found = CliRun.of("call", embedded.group(1), "echo", "\"embedded\"", "--service",
                    UserService.class.getName());
            assertThat(json(found.out()).asText()).as(found.toString()).isEqualTo("embedded");
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
        assertThat(exit.get()).isZero();
    }

    @Test
    void serveShutsDownGracefullyOnCtrlC() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TernCli.class.getName(), "serve", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("listening on dubbo://127.0.0.1:");
            int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
            assertThat(out.readLine()).startsWith("and on tri://127.0.0.1:" + port + " ");
            String url = "dubbo://127.0.0.1:" + port + "/" + UserService.class.getName();
            assertThat(json(CliRun.of("call", url, "echo", "\"before\"").out()).asText()).isEqualTo("before");

            Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertThat(interrupt.waitFor()).isZero();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after Ctrl-C").isTrue();
            assertThat(process.exitValue()).as("the JVM's exit status after SIGINT").isEqualTo(130);
            assertThat(out.readLine()).as("nothing more on stdout").isNull();
            CliRun after = CliRun.of("call", url, "echo", "\"after\"");
            assertThat(after.errorLines()).singleElement().asString().startsWith("tern call: NETWORK: ");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void lsFailuresAndUsageErrors() {
        CliRun unreachable = CliRun.of("ls", "zookeeper://127.0.0.1:" + closedPort() + "?timeout=300");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.errorLines()).singleElement().asString().startsWith("tern ls: NETWORK: registry: cannot"
                + " reach ZooKeeper");
        CliRun wrong = CliRun.of("ls", "dubbo://127.0.0.1:1");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("protocol 'dubbo' (expected: zookeeper://host:port)");
    }

    @Test
    void aZooKeeperThatIsDownIsOneLineWithNoOptionTheCommandLacks() throws Exception {
        int port = closedPort();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TernCli.class.getName(), "ls",
                "zookeeper://127.0.0.1:" + port + "?timeout=1000").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(err).as("the whole of stderr: no stack trace per connection attempt, no check=false")
                .isEqualTo("tern ls: NETWORK: registry: cannot reach ZooKeeper at 127.0.0.1:" + port
                        + " within 1000 ms (expected: a running ZooKeeper)\n");
    }

    @Test
    void aRefusedConnectionNamesTheAddressAndWhatWasExpectedOnBothProtocols() {
        int port = closedPort();
        for (String protocol : new String[] {"dubbo", "tri"}) {
            CliRun refused = CliRun.of("call", protocol + "://127.0.0.1:" + port + "/" + UserService.class.getName(),
                    "echo", "\"x\"");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.errorLines()).singleElement().asString().matches("tern call: NETWORK: (no connection"
                    + "|cannot connect) to 127\\.0\\.0\\.1:" + port + ": connection refused \\(expected: a "
                    + (protocol.equals("dubbo") ? "dubbo" : "Triple") + " provider listening there\\)");
        }
    }

    @Test
    void aFailedCallSaysItsStatusOnceAndCountsArgumentsFromOne() {
        CliRun wrongType = CliRun.of("call", users, "getUser", "\"x\"");
        assertThat(wrongType.exit()).isEqualTo(1);
        assertThat(wrongType.errorLines()).singleElement().asString().isEqualTo("tern call: BAD_REQUEST: provider"
                + " answered status 40: argument 1 of getUser: 'x' (expected: a java.lang.Long)");
    }

    @Test
    void benchStoppedByCtrlCPrintsTheSummarySoFarAndExits130() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TernCli.class.getName(), "bench", users, "echo",
                "\"ping\"", "--threads", "2", "--duration", "5m", "--warmup", "0s", "--json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(3_000); // measuring: no warm-up
            Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertThat(interrupt.waitFor()).isZero();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after Ctrl-C").isTrue();
            assertThat(process.exitValue()).isEqualTo(130);
            JsonNode summary = json(out);
            assertThat(summary.get("interrupted").asBoolean()).isTrue();
            assertThat(summary.get("requests").asLong()).as("what was measured until Ctrl-C").isPositive();
            assertThat(summary.get("duration_s").asDouble()).isLessThan(60);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void benchHasDefaultsAndAWarmUpThatEndsWhenThroughputHoldsSteady() throws IOException {
        CliRun run = CliRun.of("bench", users, "echo", "\"x\"", "--requests", "200", "--json");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode summary = json(run.out());
        assertThat(summary.get("threads").asInt()).as("the default caller threads").isEqualTo(16);
        assertThat(summary.get("requests").asLong()).isEqualTo(200);
        assertThat(summary.get("interrupted").asBoolean()).isFalse();

        CliRun zero = CliRun.of("bench", users, "echo", "\"x\"", "--requests", "10", "--warmup", "0s", "--threads", "1");
        assertThat(zero.exit()).as(zero.toString()).isZero();
        CliRun wrong = CliRun.of("bench", users, "echo", "\"x\"", "--warmup", "soon");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("'soon' (expected: auto, 0s, or a duration such as 500ms or 3s)");
        assertThat(CliRun.of("bench", "--help").out()).contains("130").contains("--warmup").contains("default 16");
    }

    @Test
    void benchReportsAJsonSummary() throws IOException {
        CliRun run = CliRun.of("bench", users, "getUser", "1", "--threads", "2", "--requests", "300", "--warmup",
                "100ms", "--json");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode summary = json(run.out());
        assertThat(summary.get("requests").asLong()).isEqualTo(300);
        assertThat(summary.get("errors").asLong()).isZero();
        assertThat(summary.get("ops_per_sec").asDouble()).isPositive();
        JsonNode latency = summary.get("latency_us");
        assertThat(latency.get("p50").asLong()).isPositive();
        assertThat(latency.get("p90").asLong()).isGreaterThanOrEqualTo(latency.get("p50").asLong());
        assertThat(latency.get("p99").asLong()).isGreaterThanOrEqualTo(latency.get("p90").asLong());
        assertThat(latency.get("p999").asLong()).isGreaterThanOrEqualTo(latency.get("p99").asLong());
        assertThat(latency.get("max").asLong()).isGreaterThanOrEqualTo(latency.get("p999").asLong());

        CliRun text = CliRun.of("bench", users, "echo", "\"ping\"", "--threads", "1", "--duration", "300ms",
                "--warmup", "100ms");
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out()).contains("requests").contains("ops/s").contains("p99.9");
        assertThat(text.err()).as("no progress line when not on a terminal").isEmpty();
    }

    @Test
    void benchOverTripleCallsGenericallyThroughTheTriPort() throws IOException {
        String tri = "tri://127.0.0.1:" + server.port() + "/" + UserService.class.getName();
        CliRun run = CliRun.of("bench", tri, "getUser", "3", "--types", "long", "--threads", "2", "--requests", "200",
                "--warmup", "100ms", "--json");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode summary = json(run.out());
        assertThat(summary.get("requests").asLong()).isEqualTo(200);
        assertThat(summary.get("errors").asLong()).isZero();
        assertThat(summary.get("latency_us").get("p99").asLong()).isPositive();

        CliRun missing = CliRun.of("bench", tri, "nope", "1", "--threads", "1", "--requests", "1", "--warmup", "1ms");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.errorLines()).singleElement().asString().startsWith("tern bench: ")
                .contains("method: nope").contains("getUser(long)");
    }

    @Test
    void benchFailuresAndUsageErrors() {
        CliRun timeouts = CliRun.of("bench", probe, "sleep", "50", "--threads", "1", "--requests", "2",
                "--warmup", "1ms", "--timeout", "20ms");
        assertThat(timeouts.exit()).isEqualTo(1);
        assertThat(timeouts.errorLines()).singleElement().asString().startsWith("tern bench: TIMEOUT: ");

        CliRun noThreads = CliRun.of("bench", users, "echo", "\"x\"", "--requests", "5", "--threads", "0");
        assertThat(noThreads.exit()).isEqualTo(2);
        assertThat(noThreads.err().lines()).singleElement().asString().contains("--threads 0 (expected: at least 1)");
        CliRun both = CliRun.of("bench", users, "echo", "\"x\"", "--threads", "1", "--requests", "5",
                "--duration", "1s");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err().lines()).hasSize(1);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
