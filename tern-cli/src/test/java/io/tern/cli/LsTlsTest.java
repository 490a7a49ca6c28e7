package io.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.registry.ZooKeeperTls;
import io.tern.testing.TernCleanup;
import io.tern.testing.TestCertificates;
import io.tern.testing.TestCertificates.Issued;
import io.tern.transport.tls.ServerTls;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern ls} against a ZooKeeper that takes TLS on its secure client port, and what it shows
 * of providers with TLS and tokens.
 */
class LsTlsTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    @TempDir
    static Path directory;
    static TestCertificates certificates;
    static TestingServer zookeeper;
    static int securePort;
    /** The system properties ZooKeeper's server sets from its configuration, taken back afterwards. */
    static final Map<String, String> before = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create(directory.resolve("certs"));
        Issued server = certificates.server("zookeeper");
        Path keyStore = directory.resolve("zookeeper-keystore.pem");
        Files.writeString(keyStore, Files.readString(server.key()) + "\n" + Files.readString(server.cert()));
        securePort = InstanceSpec.getRandomPort();
        Map<String, Object> properties = new HashMap<>();
        properties.put("secureClientPort", Integer.toString(securePort));
        properties.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        properties.put("ssl.keyStore.location", keyStore.toString());
        properties.put("ssl.keyStore.type", "PEM");
        properties.put("ssl.trustStore.location", certificates.caCert().toString());
        properties.put("ssl.trustStore.type", "PEM");
        properties.put("ssl.clientAuth", "none");
        for (String key : properties.keySet()) {
            before.put("zookeeper." + key, System.getProperty("zookeeper." + key));
        }
        File data = directory.resolve("zookeeper-data").toFile();
        zookeeper = new TestingServer(new InstanceSpec(data, -1, -1, -1, true, -1, -1, -1, properties, "127.0.0.1"),
                true);
    }

    @AfterAll
    static void stop() throws Exception {
        zookeeper.close();
        before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void lsReadsZooKeeperOverTlsAndShowsWhichProvidersAskForTlsAndATokenWithoutShowingIt() {
        Issued provider = certificates.server("provider");
        String secure = "zookeeper://127.0.0.1:" + securePort;
        try (ZooKeeperTls tls = ZooKeeperTls.clientConfig(certificates.caCert(), null, null, null);
                ZooKeeperRegistry registry = ZooKeeperRegistry.connect(
                        io.tern.ServiceUrl.parse(secure + "?file-cache=false"),
                        io.tern.core.lifecycle.LifecycleTracker.global(), tls.config())) {
            TernServer server = cleanup.register(Tern.server().application("secured").registry(registry)
                    .tls(ServerTls.of(provider.cert(), provider.key()))
                    .service(UserService.class, new UserServiceImpl(), o -> o.token("true")).start());
            String token = server.urls().get(0).parameter("token");

            CliRun ls = CliRun.of("ls", secure, "--tls-trust", certificates.caCert().toString());
            assertThat(ls.exit()).as(ls.toString()).isZero();
            assertThat(ls.out()).contains("    dubbo://127.0.0.1:" + server.port() + "  version=-  group=-"
                    + "  application=secured  release=tern-0.1.0  methods=echo,existUser,getUser,getUserAsync,listUser"
                    + "  tls  token  seen at=interface+application\n").doesNotContain(token);

            CliRun distrustful = CliRun.of("ls", secure + "?timeout=2000", "--tls-trust",
                    certificates.otherCaCert().toString());
            assertThat(distrustful.exit()).as(distrustful.toString()).isEqualTo(1);
            CliRun certWithoutTrust = CliRun.of("ls", secure, "--tls-cert", provider.cert().toString(), "--tls-key",
                    provider.key().toString());
            assertThat(certWithoutTrust.exit()).isEqualTo(2);
            assertThat(certWithoutTrust.errorLines()).singleElement().asString()
                    .startsWith("tern ls: --tls-cert and --tls-key without --tls-trust");
        }
    }
}
