package io.tern.registry;

import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The URLs registries carry, with the parameters Apache Dubbo's registered URLs carry. */
public final class RegistryUrls {

    /** The protocol version Tern registers, as Dubbo's {@code dubbo} parameter. */
    public static final String DUBBO_VERSION = "2.0.2";
    /** What Tern registers as {@code release}. */
    public static final String RELEASE = "tern-0.1.0";

    private static final Set<String> IDENTITY = Set.of("interface", "group", "version", "side", "category",
            "methods", "dubbo", "release", "timestamp", "pid", "anyhost", "deprecated", "dynamic", "generic",
            "prefer.serialization", "register-mode", "application");

    private RegistryUrls() {
    }

    /** A provider URL as Dubbo registers one, for an exported service URL. */
    public static ServiceUrl provider(ServiceUrl exported, Class<?> type, String application) {
        ServiceUrlBuilder b = exported.toBuilder()
                .parameter("anyhost", false)
                .parameter("application", application)
                .parameter("deprecated", false)
                .parameter("dubbo", DUBBO_VERSION)
                .parameter("dynamic", true)
                .parameter("generic", false)
                .parameter("interface", type.getName())
                .parameter("methods", String.join(",", ServiceDescriptor.of(type).methodNames()))
                .parameter("prefer.serialization", "hessian2")
                .parameter("release", RELEASE)
                .parameter("side", "provider")
                .parameter("timestamp", System.currentTimeMillis());
        if (exported.path().isEmpty()) {
            b.path(type.getName());
        }
        return b.build();
    }

    /** A consumer URL as Dubbo registers one. */
    public static ServiceUrl consumer(String host, Class<?> type, String application, String group, String version) {
        return consumer(host, type.getName(), application, group, version).toBuilder()
                .parameter("methods", String.join(",", ServiceDescriptor.of(type).methodNames())).build();
    }

    /** The URL of a consumer that calls {@code interfaceName} generically, without its interface. */
    public static ServiceUrl genericConsumer(String host, String interfaceName, String application, String group,
            String version) {
        return consumer(host, interfaceName, application, group, version).toBuilder()
                .parameter("generic", true).build();
    }

    private static ServiceUrl consumer(String host, String interfaceName, String application, String group,
            String version) {
        ServiceUrlBuilder b = ServiceUrl.builder("consumer").address(host, 0).path(interfaceName)
                .parameter("application", application)
                .parameter("category", "consumers")
                .parameter("check", false)
                .parameter("dubbo", DUBBO_VERSION)
                .parameter("interface", interfaceName)
                .parameter("release", RELEASE)
                .parameter("side", "consumer")
                .parameter("timestamp", System.currentTimeMillis());
        if (!group.isEmpty()) {
            b.group(group);
        }
        if (!version.isEmpty()) {
            b.version(version);
        }
        return b.build();
    }

    /**
     * Whether a provider serves what a consumer asks for: the same interface, group and version
     * ({@code *} matches any; a consumer's comma list of groups matches any of them), and not
     * disabled.
     */
    public static boolean matches(ServiceUrl consumer, ServiceUrl provider) {
        if (provider.isEmptyProtocol() || !consumer.interfaceName().equals(provider.interfaceName())) {
            return false;
        }
        if (!provider.booleanParameter("enabled", true)) {
            return false;
        }
        String wantedGroup = consumer.parameter("group", "");
        if (!"*".equals(wantedGroup)) {
            boolean any = false;
            for (String g : wantedGroup.split(",", -1)) {
                any |= g.trim().equals(provider.group());
            }
            if (!any) {
                return false;
            }
        }
        String wantedVersion = consumer.parameter("version", "");
        return "*".equals(wantedVersion) || consumer.version().equals(provider.version());
    }

    /**
     * Settings that belong to the consumer's side of the connection: a provider URL cannot set
     * them (a registry entry asking for 300 connections or a heartbeat every 50 ms is ignored).
     */
    private static final Set<String> CONSUMER_ONLY = Set.of("connections", "heartbeat", "payload", "connect.timeout",
            "lazy", "reconnect");

    /** The longest call timeout a provider URL may suggest to its consumers, in milliseconds. */
    public static final long MAX_PROVIDER_TIMEOUT_MILLIS = 60_000;

    /** The longest URL a registry takes or reads, in characters of its encoded form. */
    public static final int MAX_URL_LENGTH = 16 * 1024;

    /**
     * A provider URL with the consumer's settings over it (timeouts, retries, connections, ...);
     * the provider's identity (interface, group, version, methods) is kept. The provider's own
     * transport settings are dropped — the consumer's (or its defaults) apply — and a timeout it
     * suggests ({@code timeout}, {@code <method>.timeout}) is kept only from 1 ms to
     * {@link #MAX_PROVIDER_TIMEOUT_MILLIS}, as a default the consumer's own overrides.
     */
    public static ServiceUrl merge(ServiceUrl provider, ServiceUrl consumer) {
        ServiceUrlBuilder b = provider.toBuilder();
        provider.parameters().forEach((key, value) -> {
            if (CONSUMER_ONLY.contains(key) || isTimeout(key) && !saneTimeout(value)) {
                b.removeParameter(key);
            }
        });
        consumer.parameters().forEach((key, value) -> {
            if (!IDENTITY.contains(key)) {
                b.parameter(key, value);
            }
        });
        return b.build();
    }

    private static boolean isTimeout(String key) {
        return key.equals("timeout") || key.endsWith(".timeout") && !key.equals("connect.timeout");
    }

    private static boolean saneTimeout(String value) {
        try {
            long millis = Long.parseLong(value.trim());
            return millis >= 1 && millis <= MAX_PROVIDER_TIMEOUT_MILLIS;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Checks that a URL is small enough to register: a registry entry of thousands of parameters
     * would pass ZooKeeper's packet limit for every reader of the service.
     *
     * @throws IllegalArgumentException naming its length and the limit
     */
    public static ServiceUrl checkSize(ServiceUrl url) {
        int length = url.toEncodedString().length();
        if (length > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("url of " + url.serviceKey() + ": " + length + " characters encoded"
                    + " (expected: <= " + MAX_URL_LENGTH + ")");
        }
        return url;
    }

    /** The empty marker for a service with no providers, as Dubbo sends it. */
    public static ServiceUrl empty(ServiceUrl consumer) {
        return emptyMarker(consumer).build();
    }

    /** The empty marker, saying {@code why} there is no provider for the error of a call that finds none. */
    public static ServiceUrl empty(ServiceUrl consumer, String why) {
        return emptyMarker(consumer).parameter(ServiceUrl.EMPTY_REASON, why).build();
    }

    private static io.tern.ServiceUrlBuilder emptyMarker(ServiceUrl consumer) {
        return ServiceUrl.builder("empty").address(consumer.host().isEmpty() ? "0.0.0.0" : consumer.host(), 0)
                .path(consumer.interfaceName()).parameter("category", "providers")
                .parameter("interface", consumer.interfaceName());
    }

    /** The providers among {@code urls} that match {@code consumer}, or the empty marker. */
    public static List<ServiceUrl> matching(ServiceUrl consumer, Iterable<ServiceUrl> urls) {
        List<ServiceUrl> matched = new ArrayList<>();
        for (ServiceUrl url : urls) {
            if (matches(consumer, url)) {
                matched.add(url);
            }
        }
        return matched.isEmpty() ? List.of(empty(consumer)) : List.copyOf(matched);
    }
}
