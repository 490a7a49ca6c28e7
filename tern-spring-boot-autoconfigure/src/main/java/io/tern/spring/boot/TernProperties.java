package io.tern.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Tern's settings under {@code tern.}. Where a {@code tern.} key is absent, the Dubbo key an
 * estate already has is read instead ({@code dubbo.application.name}, {@code dubbo.protocol.port},
 * {@code dubbo.registry.address}), with one warning naming the {@code tern.} key to use.
 */
@ConfigurationProperties("tern")
public final class TernProperties {

    private final Application application = new Application();
    private final Protocol protocol = new Protocol();
    private final Registry registry = new Registry();
    private final Consumer consumer = new Consumer();
    private final Ops ops = new Ops();
    private final Lifecycle lifecycle = new Lifecycle();
    private final Ssl ssl = new Ssl();

    public Application getApplication() {
        return application;
    }

    public Protocol getProtocol() {
        return protocol;
    }

    public Registry getRegistry() {
        return registry;
    }

    public Consumer getConsumer() {
        return consumer;
    }

    public Ops getOps() {
        return ops;
    }

    public Lifecycle getLifecycle() {
        return lifecycle;
    }

    /** TLS, in Dubbo's {@code dubbo.ssl.*} names; read from {@code dubbo.ssl.*} where no {@code tern.ssl.} key is set. */
    public Ssl getSsl() {
        return ssl;
    }

    public static final class Ssl {
        /** The PEM certificate chain the server presents; with server-private-key-path it turns TLS on for both protocols. */
        private @Nullable String serverKeyCertChainPath;
        /** The PEM (PKCS#8) private key of server-key-cert-chain-path. */
        private @Nullable String serverPrivateKeyPath;
        /** The password of an encrypted server-private-key-path. */
        private @Nullable String serverKeyPassword;
        /** PEM CA certificates client certificates must be signed by; set, the server requires them (mutual TLS). */
        private @Nullable String serverTrustCertCollectionPath;
        /** The PEM certificate chain references present for mutual TLS, with client-private-key-path. */
        private @Nullable String clientKeyCertChainPath;
        /** The PEM (PKCS#8) private key of client-key-cert-chain-path. */
        private @Nullable String clientPrivateKeyPath;
        /** The password of an encrypted client-private-key-path. */
        private @Nullable String clientKeyPassword;
        /** PEM CA certificates references verify providers' certificates and host names against; set, references use TLS. */
        private @Nullable String clientTrustCertCollectionPath;
        /** With a server certificate: required (plaintext connections are closed) or permissive (served and counted). */
        private String mode = "required";

        public @Nullable String getServerKeyCertChainPath() {
            return serverKeyCertChainPath;
        }

        public void setServerKeyCertChainPath(@Nullable String serverKeyCertChainPath) {
            this.serverKeyCertChainPath = serverKeyCertChainPath;
        }

        public @Nullable String getServerPrivateKeyPath() {
            return serverPrivateKeyPath;
        }

        public void setServerPrivateKeyPath(@Nullable String serverPrivateKeyPath) {
            this.serverPrivateKeyPath = serverPrivateKeyPath;
        }

        public @Nullable String getServerKeyPassword() {
            return serverKeyPassword;
        }

        public void setServerKeyPassword(@Nullable String serverKeyPassword) {
            this.serverKeyPassword = serverKeyPassword;
        }

        public @Nullable String getServerTrustCertCollectionPath() {
            return serverTrustCertCollectionPath;
        }

        public void setServerTrustCertCollectionPath(@Nullable String serverTrustCertCollectionPath) {
            this.serverTrustCertCollectionPath = serverTrustCertCollectionPath;
        }

        public @Nullable String getClientKeyCertChainPath() {
            return clientKeyCertChainPath;
        }

        public void setClientKeyCertChainPath(@Nullable String clientKeyCertChainPath) {
            this.clientKeyCertChainPath = clientKeyCertChainPath;
        }

        public @Nullable String getClientPrivateKeyPath() {
            return clientPrivateKeyPath;
        }

        public void setClientPrivateKeyPath(@Nullable String clientPrivateKeyPath) {
            this.clientPrivateKeyPath = clientPrivateKeyPath;
        }

        public @Nullable String getClientKeyPassword() {
            return clientKeyPassword;
        }

        public void setClientKeyPassword(@Nullable String clientKeyPassword) {
            this.clientKeyPassword = clientKeyPassword;
        }

        public @Nullable String getClientTrustCertCollectionPath() {
            return clientTrustCertCollectionPath;
        }

        public void setClientTrustCertCollectionPath(@Nullable String clientTrustCertCollectionPath) {
            this.clientTrustCertCollectionPath = clientTrustCertCollectionPath;
        }

        public String getMode() {
            return mode;
        }

        public void setMode(String mode) {
            this.mode = mode;
        }
    }

    public static final class Application {
        /** The application name providers and consumers register under; spring.application.name unless set. */
        private @Nullable String name;

        public @Nullable String getName() {
            return name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }
    }

    public static final class Protocol {
        /**
         * The protocol services are exported over unless their @TernService(protocol) says:
         * "dubbo" (the default) or "tri" (Triple: gRPC and JSON over HTTP/1.1). Both share the port.
         */
        private @Nullable String name;
        /** The port the dubbo protocol listens on, 20880 unless set; 0 for any free one. */
        private @Nullable Integer port;
        /**
         * The address to bind, and to register unless register-host says otherwise. Unset, as in Dubbo:
         * every interface is bound and the machine's first non-loopback address registered.
         * DUBBO_IP_TO_BIND (or TERN_IP_TO_BIND) in the environment overrides it.
         */
        private @Nullable String host;
        /**
         * The address consumers are told to call, when it is not the bound one (behind NAT, in a
         * container). DUBBO_IP_TO_REGISTRY (or TERN_IP_TO_REGISTRY) in the environment overrides it.
         */
        private @Nullable String registerHost;

        public @Nullable String getName() {
            return name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }

        public @Nullable Integer getPort() {
            return port;
        }

        public void setPort(@Nullable Integer port) {
            this.port = port;
        }

        public @Nullable String getHost() {
            return host;
        }

        public void setHost(@Nullable String host) {
            this.host = host;
        }

        public @Nullable String getRegisterHost() {
            return registerHost;
        }

        public void setRegisterHost(@Nullable String registerHost) {
            this.registerHost = registerHost;
        }
    }

    public static final class Registry {
        /** zookeeper://host:port, embedded:// or injvm://; without one, references need a url and nothing registers. */
        private @Nullable String address;
        /** The ZooKeeper root node the layout lives under ("dubbo" unless set). */
        private @Nullable String group;
        /** The ZooKeeper session timeout. */
        private @Nullable Duration session;
        /** How long to wait for the first ZooKeeper session. */
        private @Nullable Duration timeout;
        /** The file consumers cache provider lists in. */
        private @Nullable String file;
        /** Whether consumers cache provider lists on disk. */
        private @Nullable Boolean fileCache;
        /** More registry URL parameters, in their URL names. */
        private Map<String, String> parameters = new LinkedHashMap<>();
        /**
         * Where providers register with ZooKeeper: "interface" (a node per service), "instance" (the
         * application's instance, as Dubbo 3 consumers find it) or "all" (the default, as Dubbo 3's).
         */
        private @Nullable String registerMode;
        /**
         * Where references find providers through ZooKeeper: "APPLICATION_FIRST" (the default, as
         * Dubbo 3.3's: both levels, the application level preferred when it has providers),
         * "FORCE_APPLICATION" or "FORCE_INTERFACE".
         */
        private @Nullable String migrationStep;
        /**
         * Where consumers at the application level read what a provider serves: "local" (the
         * default: asked of the instance) or "remote" (published to /dubbo/metadata).
         */
        private @Nullable String metadataType;

        public @Nullable String getMetadataType() {
            return metadataType;
        }

        public void setMetadataType(@Nullable String metadataType) {
            this.metadataType = metadataType;
        }

        public @Nullable String getMigrationStep() {
            return migrationStep;
        }

        public void setMigrationStep(@Nullable String migrationStep) {
            this.migrationStep = migrationStep;
        }

        public @Nullable String getRegisterMode() {
            return registerMode;
        }

        public void setRegisterMode(@Nullable String registerMode) {
            this.registerMode = registerMode;
        }

        public @Nullable String getAddress() {
            return address;
        }

        public void setAddress(@Nullable String address) {
            this.address = address;
        }

        public @Nullable String getGroup() {
            return group;
        }

        public void setGroup(@Nullable String group) {
            this.group = group;
        }

        public @Nullable Duration getSession() {
            return session;
        }

        public void setSession(@Nullable Duration session) {
            this.session = session;
        }

        public @Nullable Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        public @Nullable String getFile() {
            return file;
        }

        public void setFile(@Nullable String file) {
            this.file = file;
        }

        public @Nullable Boolean getFileCache() {
            return fileCache;
        }

        public void setFileCache(@Nullable Boolean fileCache) {
            this.fileCache = fileCache;
        }

        public Map<String, String> getParameters() {
            return parameters;
        }

        public void setParameters(Map<String, String> parameters) {
            this.parameters = parameters;
        }
    }

    public static final class Consumer {
        /** How long a call through an injected reference may take, unless its declaration says otherwise. */
        private @Nullable Duration timeout;
        /**
         * The protocol references call over unless their @TernReference(protocol) says: "dubbo" (the
         * default) or "tri"; a reference takes only the providers of its protocol.
         */
        private @Nullable String protocol;

        public @Nullable String getProtocol() {
            return protocol;
        }

        public void setProtocol(@Nullable String protocol) {
            this.protocol = protocol;
        }

        public @Nullable Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }
    }

    public static final class Ops {
        /** The operations endpoint's port on 127.0.0.1; off unless set, 0 for any free one. */
        private @Nullable Integer port;

        public @Nullable Integer getPort() {
            return port;
        }

        public void setPort(@Nullable Integer port) {
            this.port = port;
        }
    }

    public static final class Lifecycle {
        /** How closely the lifecycle tracker watches destroyed resources: off, sampled or paranoid. */
        private @Nullable String level;

        public @Nullable String getLevel() {
            return level;
        }

        public void setLevel(@Nullable String level) {
            this.level = level;
        }
    }
}
