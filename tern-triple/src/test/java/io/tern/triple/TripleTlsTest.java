package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.testing.TestCertificates;
import io.tern.testing.TestCertificates.Issued;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import io.tern.transport.tls.TlsContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS and tokens on Triple: gRPC and HTTP/1.1 over TLS, ALPN, plaintext refused, mutual TLS, tokens. */
@Timeout(120)
class TripleTlsTest {

    @TempDir
    static Path directory;
    static TestCertificates certificates;
    static Issued server;
    static Issued client;

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private final List<TripleProtocol> protocols = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create(directory.resolve("certs"));
        server = certificates.server("server");
        client = certificates.client("client");
    }

    @AfterEach
    void close() {
        protocols.forEach(TripleProtocol::close);
        for (TripleProtocol protocol : protocols) {
            assertThat(protocol.connectionCount()).isZero();
            assertThat(protocol.serverCount()).isZero();
        }
    }

    private TripleProtocol protocol(ServerTls serverTls, ClientTls clientTls) {
        TripleProtocol protocol = TripleProtocol.create(tracker, ClassPolicy.strict(), serverTls, clientTls);
        protocols.add(protocol);
        return protocol;
    }

    private static ServiceUrl export(TripleProtocol provider, String parameters) {
        Exporter<UserService> exporter = provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + UserService.class.getName() + parameters)));
        return exporter.url();
    }

    private static UserService refer(TripleProtocol consumer, ServiceUrl url) {
        return Proxies.create(consumer.refer(UserService.class, url));
    }

    @Test
    void gRpcAndHttp1TravelOverTlsWithAlpn() throws Exception {
        TripleProtocol provider = protocol(ServerTls.of(server.cert(), server.key()), null);
        ServiceUrl url = export(provider, "");
        TripleProtocol consumer = protocol(null, ClientTls.trusting(certificates.caCert()));

        assertThat(url.parameter("ssl-enabled")).isEqualTo("true");
        assertThat(refer(consumer, url).echo("over tls")).isEqualTo("over tls");
        assertThat(alpn(url.port(), "h2")).isEqualTo("h2");
        assertThat(alpn(url.port(), "http/1.1")).isEqualTo("http/1.1");

        // curl-like JSON over HTTPS on the same port
        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting())
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> answer = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + url.port()
                + "/" + UserService.class.getName() + "/echo")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[\"json over tls\"]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("\"json over tls\"");

        TlsContext tls = provider.serverTlsContext().orElseThrow();
        assertThat(tls.handshakes()).isGreaterThanOrEqualTo(4);
        assertThat(tls.plaintextRefused()).isZero();
    }

    @Test
    void plaintextIsRefusedOnATlsPort() throws Exception {
        TripleProtocol provider = protocol(ServerTls.of(server.cert(), server.key()), null);
        ServiceUrl url = export(provider, "");
        TripleProtocol plaintext = protocol(null, null);

        ServiceUrl withoutTls = url.toBuilder().removeParameter("ssl-enabled").timeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> refer(plaintext, withoutTls).echo("plain")).isInstanceOf(RpcException.class)
                .satisfies(e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.NETWORK));
        try (Socket socket = new Socket("127.0.0.1", url.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /x/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n[]".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        }
        TlsContext tls = provider.serverTlsContext().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> tls.plaintextRefused() >= 2);
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificate() {
        TripleProtocol provider = protocol(ServerTls.of(server.cert(), server.key()).withTrust(certificates.caCert()),
                null);
        ServiceUrl url = export(provider, "?timeout=3000");

        TripleProtocol withCertificate = protocol(null,
                ClientTls.trusting(certificates.caCert()).withKeyCert(client.cert(), client.key()));
        assertThat(refer(withCertificate, url).echo("mtls")).isEqualTo("mtls");

        TripleProtocol without = protocol(null, ClientTls.trusting(certificates.caCert()));
        assertThatThrownBy(() -> refer(without, url).echo("no certificate")).isInstanceOf(RpcException.class)
                .satisfies(e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.NETWORK));
    }

    @Test
    void aServerCertificateForAnotherHostIsRefusedWithAClearError() {
        Issued wrongHost = certificates.wrongHostServer("elsewhere");
        TripleProtocol provider = protocol(ServerTls.of(wrongHost.cert(), wrongHost.key()), null);
        ServiceUrl url = export(provider, "");
        TripleProtocol consumer = protocol(null, ClientTls.trusting(certificates.caCert()));

        assertThatThrownBy(() -> refer(consumer, url).echo("x")).isInstanceOf(RpcException.class)
                .hasMessageContaining("127.0.0.1:" + url.port()).hasMessageContaining("names 127.0.0.1");
    }

    @Test
    void aTokenIsRequiredAndNeverShown() {
        TripleProtocol provider = protocol(null, null);
        ServiceUrl url = export(provider, "?token=true");
        String token = url.parameter("token");
        TripleProtocol consumer = protocol(null, null);

        assertThat(token).hasSize(36);
        assertThat(refer(consumer, url).echo("with token")).isEqualTo("with token");
        for (ServiceUrl bad : List.of(url.toBuilder().removeParameter("token").build(),
                url.toBuilder().parameter("token", "not-" + token).build())) {
            assertThatThrownBy(() -> refer(consumer, bad).echo("x")).isInstanceOf(RpcException.class)
                    .satisfies(e -> {
                        assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).contains(UserService.class.getName()).doesNotContain(token);
                    });
        }
    }

    /** The application protocol the server picks when a client offers only {@code offered}. */
    private static String alpn(int port, String offered) throws Exception {
        try (SSLSocket socket = (SSLSocket) trusting().getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {offered});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return socket.getApplicationProtocol();
        }
    }

    private static SSLContext trusting() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificates.caCert())) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
