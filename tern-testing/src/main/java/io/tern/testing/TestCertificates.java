package io.tern.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Certificates for TLS tests, made when a test runs and written as PEM files to a directory of
 * its own (never committed): a CA, a second CA nobody trusts, and certificates they sign. EC
 * P-256 keys, PKCS#8 PEM, optionally encrypted. A server certificate is valid for
 * {@code 127.0.0.1} and {@code localhost}.
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Encrypts keys; not registered, so that reading them back takes only what the JVM has. */
    private static final java.security.Provider BOUNCY_CASTLE =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key, as files. */
    public record Issued(Path cert, Path key, X509Certificate certificate) {
    }

    private final Path directory;
    private final Authority ca;
    private final Authority otherCa;

    private TestCertificates(Path directory) {
        this.directory = directory;
        this.ca = new Authority("Tern Test CA", directory.resolve("ca.pem"));
        this.otherCa = new Authority("Untrusted Test CA", directory.resolve("other-ca.pem"));
    }

    /** A CA and an untrusted CA, their certificates written to {@code directory}. */
    public static TestCertificates create(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestCertificates(directory);
    }

    /** The CA's certificate: the trust collection for both sides. */
    public Path caCert() {
        return ca.certFile;
    }

    /** A CA no test trusts. */
    public Path otherCaCert() {
        return otherCa.certFile;
    }

    /** A server certificate for 127.0.0.1 and localhost, valid for a day. */
    public Issued server(String name) {
        return issue(ca, name, true, List.of("127.0.0.1", "localhost"), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), null);
    }

    /** A server certificate whose key is encrypted with {@code password}. */
    public Issued serverWithEncryptedKey(String name, String password) {
        return issue(ca, name, true, List.of("127.0.0.1", "localhost"), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), password);
    }

    /** A server certificate that expired an hour ago. */
    public Issued expiredServer(String name) {
        return issue(ca, name, true, List.of("127.0.0.1", "localhost"), Instant.now().minus(Duration.ofDays(2)),
                Instant.now().minus(Duration.ofHours(1)), null);
    }

    /** A server certificate for another host only. */
    public Issued wrongHostServer(String name) {
        return issue(ca, name, true, List.of("other.example"), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), null);
    }

    /** A client certificate signed by the CA. */
    public Issued client(String name) {
        return issue(ca, name, false, List.of(), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), null);
    }

    /** A client certificate signed by the untrusted CA. */
    public Issued untrustedClient(String name) {
        return issue(otherCa, name, false, List.of(), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)), null);
    }

    /**
     * Replaces {@code target}'s files with {@code source}'s, each by an atomic move, certificate
     * first, as a certificate rotation does.
     */
    public static void rotate(Issued source, Issued target) {
        try {
            Path cert = target.cert().resolveSibling(target.cert().getFileName() + ".new");
            Path key = target.key().resolveSibling(target.key().getFileName() + ".new");
            Files.copy(source.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(source.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.move(cert, target.cert(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(key, target.key(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Issued issue(Authority issuer, String name, boolean server, List<String> hosts, Instant from, Instant to,
            @Nullable String password) {
        try {
            KeyPair pair = keyPair();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.name, serial(), Date.from(from),
                    Date.from(to), new X500Name("CN=" + name), pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(server
                    ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            if (!hosts.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String host : hosts) {
                    names.add(host.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, host)
                            : new GeneralName(GeneralName.dNSName, host));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509Certificate certificate = sign(builder, issuer.keys);
            Path cert = directory.resolve(name + ".pem");
            Path key = directory.resolve(name + ".key");
            Files.writeString(cert, pem(certificate), StandardCharsets.US_ASCII);
            Files.writeString(key, keyPem(pair, password), StandardCharsets.US_ASCII);
            return new Issued(cert, key, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static String pem(Object value) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(value);
        }
        return text.toString();
    }

    private static String keyPem(KeyPair pair, @Nullable String password) throws IOException {
        try {
            OutputEncryptor encryptor = password == null ? null
                    : new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setRandom(RANDOM)
                            .setProvider(BOUNCY_CASTLE).setPassword(password.toCharArray()).build();
            return pem(new JcaPKCS8Generator(pair.getPrivate(), encryptor).generate());
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA: its key, and its self-signed certificate written to a file. */
    private static final class Authority {
        final X500Name name;
        final KeyPair keys;
        final Path certFile;

        Authority(String commonName, Path certFile) {
            this.name = new X500Name("CN=" + commonName);
            this.keys = keyPair();
            this.certFile = certFile;
            try {
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                        Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
                        name, keys.getPublic());
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                Files.writeString(certFile, pem(sign(builder, keys)), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
