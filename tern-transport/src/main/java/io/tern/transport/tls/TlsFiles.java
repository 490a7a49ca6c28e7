package io.tern.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Reads PEM files: certificates, and PKCS#8 private keys, plain or encrypted. Every failure is
 * an {@link IllegalArgumentException} naming the setting, the file and what was expected.
 */
final class TlsFiles {

    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS"};

    private TlsFiles() {
    }

    static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    static byte[] read(String setting, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": " + file + " cannot be read: " + e
                    + " (expected: a readable PEM file)", e);
        }
    }

    static List<X509Certificate> certificates(String setting, Path file, byte[] pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var c : factory.generateCertificates(new ByteArrayInputStream(pem))) {
                certificates.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(setting + ": " + file + " holds no readable certificate: "
                    + e.getMessage() + " (expected: PEM CERTIFICATE blocks)", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(setting + ": " + file + " holds no certificate"
                    + " (expected: PEM CERTIFICATE blocks)");
        }
        return certificates;
    }

    static PrivateKey privateKey(String setting, Path file, byte[] pem, @Nullable String password) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        byte[] plain = block(text, "PRIVATE KEY");
        byte[] encrypted = block(text, "ENCRYPTED PRIVATE KEY");
        KeySpec spec;
        if (plain != null) {
            spec = new PKCS8EncodedKeySpec(plain);
        } else if (encrypted != null) {
            if (password == null) {
                throw new IllegalArgumentException(setting + ": " + file + " is encrypted"
                        + " (expected: its password in " + setting.replace("private-key-path", "key-password") + ")");
            }
            spec = decrypt(setting, file, encrypted, password);
        } else {
            String kind = text.contains("BEGIN RSA PRIVATE KEY") ? "a PKCS#1 RSA key"
                    : text.contains("BEGIN EC PRIVATE KEY") ? "a SEC1 EC key" : "no private key";
            throw new IllegalArgumentException(setting + ": " + file + " holds " + kind + " (expected: a PKCS#8"
                    + " PEM key, BEGIN PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY; openssl pkcs8 -topk8 converts one)");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(setting + ": " + file + " holds a key of no known algorithm"
                + " (expected: an RSA, EC or EdDSA key)");
    }

    private static KeySpec decrypt(String setting, Path file, byte[] der, String password) {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            // a PBES2 key names its scheme in its parameters (PBEWithHmacSHA256AndAES_256), not its algorithm
            String algorithm = info.getAlgName();
            if (info.getAlgParameters() != null && algorithm.matches("PBES2|1\\.2\\.840\\.113549\\.1\\.5\\.13")) {
                algorithm = info.getAlgParameters().toString();
            }
            var key = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password.toCharArray()));
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException(setting + ": " + file + " cannot be decrypted"
                    + " (expected: the key's password)", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": " + file + " cannot be decrypted: " + e
                    + " (expected: a PKCS#8 key encrypted with a PBES2 scheme the JVM knows, or its password)", e);
        }
    }

    /** The base64 body of the first PEM block of this type, decoded; {@code null} when there is none. */
    private static byte @Nullable [] block(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int start = text.indexOf(begin);
        if (start < 0) {
            return null;
        }
        int end = text.indexOf("-----END " + type + "-----", start);
        if (end < 0) {
            return null;
        }
        String body = text.substring(start + begin.length(), end).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Checks that the key belongs to the certificate, by signing with one and verifying with the
     * other; a certificate and key rewritten one after the other are caught here.
     */
    static void checkPair(String certSetting, Path certFile, X509Certificate certificate, String keySetting,
            Path keyFile, PrivateKey key) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        boolean matches;
        try {
            byte[] probe = "tern".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(keySetting + ": " + keyFile + " is not the key of " + certSetting + ": "
                    + certFile + " (" + certificate.getSubjectX500Principal().getName()
                    + ") (expected: the private key of the chain's first certificate)");
        }
    }
}
