package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.Exporter;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.testing.TestCertificates.Issued;
import io.tern.testing.TestCertificates;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import io.tern.transport.tls.TlsContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the dubbo protocol: both sides, mutual TLS, refused certificates, plaintext, reloads. */
class TlsTest {

    @TempDir
    static Path directory;
    static TestCertificates certificates;
    static Issued server;
    static Issued client;

    private final List<DubboProtocol> protocols = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() {
        // the JDK's TLS is tested in the Triple, bootstrap and interop modules
        assertThat(io.netty.handler.ssl.OpenSsl.isAvailable()).as("OpenSSL for this module's TLS tests").isTrue();
        certificates = TestCertificates.create(directory.resolve("certs"));
        server = certificates.server("server");
        client = certificates.client("client");
    }

    @AfterEach
    void closeProtocols() {
        protocols.forEach(DubboProtocol::close);
        for (DubboProtocol protocol : protocols) {
            assertThat(protocol.stats().clientCount()).isZero();
            assertThat(protocol.stats().serverCount()).isZero();
        }
    }

    private DubboProtocol provider(ServerTls tls) {
        return track(DubboProtocol.builder().serverTls(tls).build());
    }

    private DubboProtocol consumer(ClientTls tls) {
        return track(DubboProtocol.builder().clientTls(tls).build());
    }

    private DubboProtocol track(DubboProtocol protocol) {
        protocols.add(protocol);
        return protocol;
    }

    private static ServiceUrl export(DubboProtocol provider, String parameters) {
        Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + parameters)));
        return exporter.url();
    }

    private static Greeter refer(DubboProtocol consumer, ServiceUrl url) {
        return Proxies.create(consumer.refer(Greeter.class, url));
    }

    private static ClientTls trustingCa() {
        return ClientTls.trusting(certificates.caCert());
    }

    @Test
    void callsTravelOverTlsAndTheProviderUrlSaysSo() throws Exception {
        DubboProtocol provider = provider(ServerTls.of(server.cert(), server.key()));
        ServiceUrl url = export(provider, "");
        DubboProtocol consumer = consumer(trustingCa());

        assertThat(url.parameter("ssl-enabled")).isEqualTo("true");
        assertThat(refer(consumer, url).greet("tls")).isEqualTo("Hello, tls");
        TlsContext tls = provider.serverTlsContext().orElseThrow();
        assertThat(tls.handshakes()).isEqualTo(1);
        assertThat(tls.plaintextRefused()).isZero();
        assertThat(presented(url.port(), certificates.caCert()).getSubjectX500Principal().getName())
                .isEqualTo("CN=server");
    }

    @Test
    void aPlaintextClientIsRefusedAndCounted() throws Exception {
        DubboProtocol provider = provider(ServerTls.of(server.cert(), server.key()));
        ServiceUrl url = export(provider, "");
        DubboProtocol plaintext = track(DubboProtocol.create());

        // a URL without ssl-enabled: the consumer speaks plaintext, and the port closes the connection
        ServiceUrl withoutTls = url.toBuilder().removeParameter("ssl-enabled").timeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> refer(plaintext, withoutTls).greet("plain")).isInstanceOf(RpcException.class);
        assertThat(closedAfterPlaintext(url.port())).isTrue();
        TlsContext tls = provider.serverTlsContext().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> tls.plaintextRefused() >= 2);
        assertThat(tls.plaintextAccepted()).isZero();
        assertThat(provider.stats().serverCount()).isEqualTo(1);
    }

    @Test
    void aPermissivePortServesPlaintextAndTlsAndCountsThePlaintext() {
        DubboProtocol provider = provider(ServerTls.of(server.cert(), server.key()).withMode(ServerTls.Mode.PERMISSIVE));
        ServiceUrl url = export(provider, "");

        ServiceUrl withoutTls = url.toBuilder().removeParameter("ssl-enabled").build();
        assertThat(refer(track(DubboProtocol.create()), withoutTls).greet("plain")).isEqualTo("Hello, plain");
        assertThat(refer(consumer(trustingCa()), url).greet("tls")).isEqualTo("Hello, tls");
        TlsContext tls = provider.serverTlsContext().orElseThrow();
        assertThat(tls.plaintextAccepted()).isEqualTo(1);
        assertThat(tls.handshakes()).isEqualTo(1);
    }

    @Test
    void mutualTlsTakesOnlyClientsWithACertificateFromTheTrustedCa() {
        DubboProtocol provider = provider(ServerTls.of(server.cert(), server.key()).withTrust(certificates.caCert()));
        ServiceUrl url = export(provider, "?timeout=2000");

        assertThat(refer(consumer(trustingCa().withKeyCert(client.cert(), client.key())), url).greet("mutual"))
                .isEqualTo("Hello, mutual");
        assertThatThrownBy(() -> refer(consumer(trustingCa()), url).greet("no certificate"))
                .isInstanceOf(RpcException.class).extracting(e -> ((RpcException) e).status())
                .isEqualTo(RpcStatus.NETWORK);
        Issued stranger = certificates.untrustedClient("stranger");
        assertThatThrownBy(() -> refer(consumer(trustingCa().withKeyCert(stranger.cert(), stranger.key())), url)
                .greet("other CA")).isInstanceOf(RpcException.class);
        TlsContext tls = provider.serverTlsContext().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> tls.handshakeFailures() >= 2);
    }

    @Test
    void anExpiredServerCertificateIsRefusedWithAClearError() {
        Issued expired = certificates.expiredServer("expired");
        ServiceUrl url = export(provider(ServerTls.of(expired.cert(), expired.key())), "?timeout=2000");

        assertThatThrownBy(() -> refer(consumer(trustingCa()), url).greet("expired"))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("TLS handshake with 127.0.0.1:" + url.port() + " failed")
                .hasMessageContaining("valid now");
    }

    @Test
    void aServerCertificateForAnotherHostIsRefusedUnlessVerificationIsOff() {
        Issued wrongHost = certificates.wrongHostServer("wrong-host");
        ServiceUrl url = export(provider(ServerTls.of(wrongHost.cert(), wrongHost.key())), "?timeout=2000");

        assertThatThrownBy(() -> refer(consumer(trustingCa()), url).greet("wrong host"))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("TLS handshake with 127.0.0.1:" + url.port() + " failed")
                .hasMessageContaining("127.0.0.1");
        assertThat(refer(consumer(trustingCa().withoutHostnameVerification()), url).greet("any host"))
                .isEqualTo("Hello, any host");
    }

    @Test
    void aServerSignedByAnUntrustedCaIsRefused() {
        ServiceUrl url = export(provider(ServerTls.of(server.cert(), server.key())), "?timeout=2000");

        assertThatThrownBy(() -> refer(consumer(ClientTls.trusting(certificates.otherCaCert())), url).greet("x"))
                .isInstanceOf(RpcException.class).hasMessageContaining("TLS handshake");
    }

    @Test
    void anEncryptedKeyIsReadWithItsPasswordAndAWrongOneIsNamed() {
        Issued encrypted = certificates.serverWithEncryptedKey("encrypted", "s3cret");
        ServiceUrl url = export(provider(ServerTls.of(encrypted.cert(), encrypted.key()).withKeyPassword("s3cret")), "");
        assertThat(refer(consumer(trustingCa()), url).greet("encrypted")).isEqualTo("Hello, encrypted");

        assertThatThrownBy(() -> DubboProtocol.builder()
                .serverTls(ServerTls.of(encrypted.cert(), encrypted.key()).withKeyPassword("wrong")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server-private-key-path: " + encrypted.key())
                .hasMessageNotContaining("wrong)");
        assertThatThrownBy(() -> DubboProtocol.builder().serverTls(ServerTls.of(encrypted.cert(), encrypted.key()))
                .build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is encrypted (expected: its password in server-key-password)");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() {
        Issued other = certificates.server("other");
        assertThatThrownBy(() -> DubboProtocol.builder().serverTls(ServerTls.of(server.cert(), other.key())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(other.key() + " is not the key of server-key-cert-chain-path: " + server.cert());
    }

    @Test
    void rotatedFilesReachNewConnectionsWhileOldOnesKeepWorkingAndABadFileIsReported() throws Exception {
        Path dir = Files.createDirectories(directory.resolve("rotation"));
        Issued live = new Issued(dir.resolve("tls.crt"), dir.resolve("tls.key"), server.certificate());
        Files.copy(server.cert(), live.cert());
        Files.copy(server.key(), live.key());
        DubboProtocol provider = provider(ServerTls.of(live.cert(), live.key())
                .withReloadInterval(Duration.ofMillis(100)));
        ServiceUrl url = export(provider, "");
        Greeter before = refer(consumer(trustingCa()), url);
        assertThat(before.greet("before")).isEqualTo("Hello, before");

        TestCertificates.rotate(certificates.server("rotated"), live);

        await().atMost(Duration.ofSeconds(10)).until(() -> "CN=rotated".equals(
                presented(url.port(), certificates.caCert()).getSubjectX500Principal().getName()));
        TlsContext tls = provider.serverTlsContext().orElseThrow();
        assertThat(tls.reloads()).isEqualTo(1);
        assertThat(before.greet("still")).isEqualTo("Hello, still");
        assertThat(refer(consumer(trustingCa()), url).greet("after")).isEqualTo("Hello, after");

        Files.writeString(live.key(), "not a key");
        await().atMost(Duration.ofSeconds(10)).until(() -> tls.reloadFailures() == 1);
        assertThat(presented(url.port(), certificates.caCert()).getSubjectX500Principal().getName())
                .isEqualTo("CN=rotated");
        assertThat(tls.reloads()).isEqualTo(1);
    }

    /** Whether a port closes a connection that writes a plaintext dubbo heartbeat. */
    private static boolean closedAfterPlaintext(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {(byte) 0xda, (byte) 0xbb, (byte) 0xe2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 'N'});
            out.flush();
            InputStream in = socket.getInputStream();
            return in.read() == -1;
        }
    }

    /** The certificate a port presents to a new TLS connection. */
    static X509Certificate presented(int port, Path trust) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(trust)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
