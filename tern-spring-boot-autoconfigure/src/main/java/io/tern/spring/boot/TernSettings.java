package io.tern.spring.boot;

import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.bootstrap.Hosts;
import io.tern.bootstrap.RegisterMode;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.Migration;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * The settings Tern runs with, resolved once from {@link TernProperties}: defaults filled in, the
 * Dubbo keys of an estate read where the {@code tern.} key is absent (one warning each), and
 * every value checked, so a bad one fails the start with its key named.
 */
public final class TernSettings {

    private static final Logger log = LoggerFactory.getLogger(TernSettings.class);

    /** The dubbo protocol's port unless one is set. */
    public static final int DEFAULT_PORT = 20880;

    private final String applicationName;
    private final String host;
    private final String registerHost;
    private final int port;
    private final @Nullable ServiceUrl registry;
    private final @Nullable Duration consumerTimeout;
    private final @Nullable Integer opsPort;
    private final @Nullable TrackerLevel trackerLevel;
    private final @Nullable ServerTls serverTls;
    private final @Nullable ClientTls clientTls;
    private final RegisterMode registerMode;
    private final Migration.Step migrationStep;
    private final String metadataType;
    private final String protocolName;
    private final String consumerProtocol;

    private TernSettings(String applicationName, String host, String registerHost, int port,
            @Nullable ServiceUrl registry,
            @Nullable Duration consumerTimeout, @Nullable Integer opsPort, @Nullable TrackerLevel trackerLevel,
            @Nullable ServerTls serverTls, @Nullable ClientTls clientTls, RegisterMode registerMode,
            Migration.Step migrationStep, String metadataType, String protocolName, String consumerProtocol) {
        this.applicationName = applicationName;
        this.host = host;
        this.registerHost = registerHost;
        this.port = port;
        this.registry = registry;
        this.consumerTimeout = consumerTimeout;
        this.opsPort = opsPort;
        this.trackerLevel = trackerLevel;
        this.serverTls = serverTls;
        this.clientTls = clientTls;
        this.registerMode = registerMode;
        this.migrationStep = migrationStep;
        this.metadataType = metadataType;
        this.protocolName = protocolName;
        this.consumerProtocol = consumerProtocol;
    }

    /**
     * Resolves the settings.
     *
     * @throws IllegalArgumentException naming the key whose value is wrong and what was expected
     */
    public static TernSettings resolve(TernProperties properties, Environment environment) {
        String name = properties.getApplication().getName();
        if (blank(name)) {
            name = dubbo(environment, "dubbo.application.name", "tern.application.name");
        }
        if (blank(name)) {
            name = environment.getProperty("spring.application.name", "tern-application");
        }
        Integer port = properties.getProtocol().getPort();
        if (port == null) {
            String dubboPort = dubbo(environment, "dubbo.protocol.port", "tern.protocol.port");
            port = dubboPort == null ? DEFAULT_PORT : parsePort("dubbo.protocol.port", dubboPort);
        }
        checkPort("tern.protocol.port", port);
        Integer ops = properties.getOps().getPort();
        if (ops != null) {
            checkPort("tern.ops.port", ops);
        }
        Duration timeout = properties.getConsumer().getTimeout();
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("tern.consumer.timeout: " + timeout + " (expected: > 0)");
        }
        String level = properties.getLifecycle().getLevel();
        TrackerLevel trackerLevel;
        try {
            trackerLevel = blank(level) ? null : TrackerLevel.parse(level);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^lifecycle level", "tern.lifecycle.level"),
                    e);
        }
        TernProperties.Ssl ssl = properties.getSsl();
        String bind = firstOf(environment.getProperty("TERN_IP_TO_BIND"), environment.getProperty("DUBBO_IP_TO_BIND"),
                properties.getProtocol().getHost(), dubbo(environment, "dubbo.protocol.host", "tern.protocol.host"));
        String host = bind != null ? bind : Hosts.ANY;
        String register = firstOf(environment.getProperty("TERN_IP_TO_REGISTRY"),
                environment.getProperty("DUBBO_IP_TO_REGISTRY"), properties.getProtocol().getRegisterHost());
        String registerHost = register != null ? register : host.equals(Hosts.ANY) ? Hosts.registerable() : host;
        return new TernSettings(name, host, registerHost, port,
                registryUrl(properties.getRegistry(), environment), timeout, ops, trackerLevel,
                serverTls(ssl, environment), clientTls(ssl, environment),
                registerMode(properties.getRegistry(), environment), migrationStep(properties.getRegistry(), environment),
                metadataType(properties.getRegistry(), environment),
                setting(properties.getProtocol().getName(), "tern.protocol.name", "dubbo.protocol.name", "dubbo",
                        environment, TernSettings::protocol),
                setting(properties.getConsumer().getProtocol(), "tern.consumer.protocol", "dubbo.consumer.protocol",
                        "dubbo", environment, TernSettings::protocol));
    }

    /**
     * A setting of its own {@code tern.} key, else Dubbo's key (with a WARN), else
     * {@code fallback}; {@code parse} refuses a value with a message naming it, which then names
     * the key it came from.
     */
    private static <T> T setting(@Nullable String value, String ternKey, String dubboKey, T fallback,
            Environment environment, java.util.function.Function<String, T> parse) {
        String key = ternKey;
        String given = value;
        if (blank(given)) {
            key = dubboKey;
            given = dubbo(environment, dubboKey, ternKey);
        }
        if (given == null || blank(given)) {
            return fallback;
        }
        try {
            return parse.apply(given);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            int named = message.indexOf(": ");
            throw new IllegalArgumentException(key + (named < 0 ? ": " + message : message.substring(named)), e);
        }
    }

    private static RegisterMode registerMode(TernProperties.Registry registry, Environment environment) {
        return setting(registry.getRegisterMode(), "tern.registry.register-mode", "dubbo.application.register-mode",
                RegisterMode.ALL, environment, RegisterMode::parse);
    }

    private static String metadataType(TernProperties.Registry registry, Environment environment) {
        return setting(registry.getMetadataType(), "tern.registry.metadata-type", "dubbo.application.metadata-type",
                "local", environment, type -> {
                    String normalized = type.trim().toLowerCase(java.util.Locale.ROOT);
                    if (!normalized.equals("local") && !normalized.equals("remote")) {
                        throw new IllegalArgumentException("metadata-type: '" + type + "' (expected: local or remote)");
                    }
                    return normalized;
                });
    }

    private static Migration.Step migrationStep(TernProperties.Registry registry, Environment environment) {
        return setting(registry.getMigrationStep(), "tern.registry.migration-step", "dubbo.application.migration.step",
                Migration.Step.APPLICATION_FIRST, environment, Migration.Step::parse);
    }

    private static @Nullable ServerTls serverTls(TernProperties.Ssl ssl, Environment environment) {
        Path cert = file(ssl.getServerKeyCertChainPath(), "server-key-cert-chain-path", environment);
        Path key = file(ssl.getServerPrivateKeyPath(), "server-private-key-path", environment);
        Path trust = file(ssl.getServerTrustCertCollectionPath(), "server-trust-cert-collection-path", environment);
        String password = password(ssl.getServerKeyPassword(), "server-key-password", environment);
        if (cert == null && key == null) {
            if (trust != null || password != null) {
                throw new IllegalArgumentException("tern.ssl.server-trust-cert-collection-path or server-key-password"
                        + " without tern.ssl.server-key-cert-chain-path and server-private-key-path (expected: the"
                        + " server's certificate chain and key for TLS)");
            }
            return null;
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("tern.ssl." + (cert == null ? "server-private-key-path without"
                    + " tern.ssl.server-key-cert-chain-path" : "server-key-cert-chain-path without"
                    + " tern.ssl.server-private-key-path") + " (expected: both, the certificate chain and its key)");
        }
        ServerTls.Mode mode;
        try {
            mode = ServerTls.Mode.parse(ssl.getMode());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tern.ssl.mode: '" + ssl.getMode()
                    + "' (expected: required or permissive)", e);
        }
        return ServerTls.of(cert, key).withKeyPassword(password).withTrust(trust).withMode(mode);
    }

    private static @Nullable ClientTls clientTls(TernProperties.Ssl ssl, Environment environment) {
        Path cert = file(ssl.getClientKeyCertChainPath(), "client-key-cert-chain-path", environment);
        Path key = file(ssl.getClientPrivateKeyPath(), "client-private-key-path", environment);
        Path trust = file(ssl.getClientTrustCertCollectionPath(), "client-trust-cert-collection-path", environment);
        String password = password(ssl.getClientKeyPassword(), "client-key-password", environment);
        if (cert == null && key == null && trust == null) {
            return null;
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("tern.ssl." + (cert == null ? "client-private-key-path without"
                    + " tern.ssl.client-key-cert-chain-path" : "client-key-cert-chain-path without"
                    + " tern.ssl.client-private-key-path") + " (expected: both, the certificate chain and its key)");
        }
        // unlike Dubbo's consumer, which stays plaintext with a trust collection alone, any client key asks for TLS
        ClientTls tls = trust != null ? ClientTls.trusting(trust) : ClientTls.systemTrust();
        return cert != null && key != null ? tls.withKeyCert(cert, key).withKeyPassword(password) : tls;
    }

    /** A TLS file under {@code tern.ssl.NAME}, else {@code dubbo.ssl.NAME}; checked readable. */
    private static @Nullable Path file(@Nullable String value, String name, Environment environment) {
        String key = "tern.ssl." + name;
        if (blank(value)) {
            value = dubbo(environment, "dubbo.ssl." + name, key);
            key = "dubbo.ssl." + name;
        }
        if (blank(value)) {
            return null;
        }
        Path path = Path.of(value.trim());
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(key + ": " + path + " (expected: a readable PEM file)");
        }
        return path;
    }

    /** A key password under {@code tern.ssl.NAME}, else {@code dubbo.ssl.NAME}; never logged. */
    private static @Nullable String password(@Nullable String value, String name, Environment environment) {
        if (!blank(value)) {
            return value;
        }
        String dubbo = environment.getProperty("dubbo.ssl." + name);
        if (blank(dubbo)) {
            return null;
        }
        log.warn("tern: using dubbo.ssl.{}; set tern.ssl.{} instead", name, name);
        return dubbo;
    }

    /** Whether a registry address is configured, under {@code tern.} or Dubbo's key; "N/A" is none, as in Dubbo. */
    static boolean hasRegistry(Environment environment) {
        return present(environment.getProperty("tern.registry.address"))
                || present(environment.getProperty("dubbo.registry.address"));
    }

    private static @Nullable ServiceUrl registryUrl(TernProperties.Registry registry, Environment environment) {
        String address = registry.getAddress();
        if (!present(address)) {
            address = dubbo(environment, "dubbo.registry.address", "tern.registry.address");
        }
        if (!present(address)) {
            return null;
        }
        ServiceUrl parsed;
        try {
            parsed = ServiceUrl.parse(address.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tern.registry.address: '" + address
                    + "' (expected: zookeeper://host:port, embedded:// or injvm://): " + e.getMessage(), e);
        }
        ServiceUrlBuilder url = parsed.toBuilder();
        if (!blank(registry.getGroup())) {
            url.parameter("group", registry.getGroup());
        }
        if (registry.getSession() != null) {
            url.parameter("session", positiveMillis("tern.registry.session", registry.getSession()));
        }
        if (registry.getTimeout() != null) {
            url.parameter("timeout", positiveMillis("tern.registry.timeout", registry.getTimeout()));
        }
        if (!blank(registry.getFile())) {
            url.parameter("file", registry.getFile());
        }
        if (registry.getFileCache() != null) {
            url.parameter("file-cache", registry.getFileCache());
        }
        for (Map.Entry<String, String> parameter : registry.getParameters().entrySet()) {
            url.parameter(parameter.getKey(), parameter.getValue());
        }
        return url.build();
    }

    private static long positiveMillis(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: > 0)");
        }
        return value.toMillis();
    }

    /** The value of a Dubbo key, warning once that the {@code tern.} key should say it. */
    private static @Nullable String dubbo(Environment environment, String dubboKey, String ternKey) {
        String value = environment.getProperty(dubboKey);
        if (blank(value)) {
            return null;
        }
        log.warn("tern: using {}={}; set {} instead", dubboKey, value, ternKey);
        return value.trim();
    }

    private static int parsePort(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: a port, 0-65535)", e);
        }
    }

    private static void checkPort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + ": " + port + " (expected: 0-65535)");
        }
    }

    /**
     * A protocol's name as Tern runs it: {@code dubbo} or {@code tri}.
     *
     * @throws IllegalArgumentException naming the value and what is taken
     */
    static String protocol(String name) {
        String normalized = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!normalized.equals("dubbo") && !normalized.equals("tri")) {
            throw new IllegalArgumentException("protocol: '" + name + "' (expected: dubbo or tri)");
        }
        return normalized;
    }

    /** The first of {@code values} that is set, trimmed. */
    private static @Nullable String firstOf(@Nullable String... values) {
        for (String value : values) {
            if (!blank(value)) {
                return value.trim();
            }
        }
        return null;
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    private static boolean present(@Nullable String address) {
        return !blank(address) && !"N/A".equalsIgnoreCase(address.trim());
    }

    public String applicationName() {
        return applicationName;
    }

    /** The address the server binds: {@code 0.0.0.0} (every interface) unless one is set. */
    public String host() {
        return host;
    }

    /** The protocol services are exported over unless they say: {@code dubbo} or {@code tri}. */
    public String protocolName() {
        return protocolName;
    }

    /** The protocol references call over unless they say: {@code dubbo} or {@code tri}. */
    public String consumerProtocol() {
        return consumerProtocol;
    }

    /** The address the server registers, which consumers call. */
    public String registerHost() {
        return registerHost;
    }

    public int port() {
        return port;
    }

    /** The registry's URL with its options, or {@code null} without a registry. */
    public @Nullable ServiceUrl registry() {
        return registry;
    }

    public @Nullable Duration consumerTimeout() {
        return consumerTimeout;
    }

    public @Nullable Integer opsPort() {
        return opsPort;
    }

    /** TLS on the server's port for both protocols, or {@code null} for plaintext. */
    /** Where providers register with ZooKeeper. */
    public RegisterMode registerMode() {
        return registerMode;
    }

    /** Where consumers at the application level read what a provider serves: local or remote. */
    public String metadataType() {
        return metadataType;
    }

    /** Where references find providers through ZooKeeper. */
    public Migration.Step migrationStep() {
        return migrationStep;
    }

    public @Nullable ServerTls serverTls() {
        return serverTls;
    }

    /** TLS on references' connections, or {@code null}: then only providers whose URL says {@code ssl-enabled=true}. */
    public @Nullable ClientTls clientTls() {
        return clientTls;
    }

    /** The lifecycle tracker's level when {@code tern.lifecycle.level} sets one; else the global tracker serves. */
    public @Nullable TrackerLevel trackerLevel() {
        return trackerLevel;
    }
}
