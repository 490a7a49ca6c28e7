package io.tern.spring.boot;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Tern's settings under {@code tern.}. */
@ConfigurationProperties("tern")
public class TernProperties {

    private final Application application = new Application();
    private final Protocol protocol = new Protocol();
    private final Registry registry = new Registry();
    private final Ops ops = new Ops();

    public Application getApplication() {
        return application;
    }

    public Protocol getProtocol() {
        return protocol;
    }

    public Registry getRegistry() {
        return registry;
    }

    public Ops getOps() {
        return ops;
    }

    public static class Application {
        /** The application name providers and consumers register under; {@code spring.application.name} by default. */
        private @Nullable String name;

        public @Nullable String getName() {
            return name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }
    }

    public static class Protocol {
        /** The port the dubbo protocol listens on; 0 for any free one. */
        private int port = 20880;
        /** The address to bind and register. */
        private String host = "127.0.0.1";

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }
    }

    public static class Registry {
        /** {@code zookeeper://host:port}, {@code embedded://} or {@code injvm://}; none for direct calls only. */
        private @Nullable String address;

        public @Nullable String getAddress() {
            return address;
        }

        public void setAddress(@Nullable String address) {
            this.address = address;
        }
    }

    public static class Ops {
        /** The operations endpoint's port on 127.0.0.1; off unless set, 0 for any free one. */
        private @Nullable Integer port;

        public @Nullable Integer getPort() {
            return port;
        }

        public void setPort(@Nullable Integer port) {
            this.port = port;
        }
    }
}
