package io.tern.bootstrap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The address a provider tells its consumers to call when it binds every interface, chosen as
 * Apache Dubbo chooses it: the machine's own name's address when that is neither loopback nor
 * the wildcard, else the first address of the first interface that is up and not loopback or
 * virtual (IPv4 before IPv6, link-local addresses left out), else {@code 127.0.0.1}.
 */
public final class Hosts {

    /** What binding every interface is written as. */
    public static final String ANY = "0.0.0.0";

    private Hosts() {
    }

    /** The address to register for a provider bound to every interface. */
    public static String registerable() {
        try {
            InetAddress local = InetAddress.getLocalHost();
            if (usable(local) && local instanceof Inet4Address) {
                return local.getHostAddress();
            }
        } catch (java.io.IOException e) {
            // no usable name: look at the interfaces
        }
        String found = firstInterfaceAddress();
        return found != null ? found : "127.0.0.1";
    }

    private static @Nullable String firstInterfaceAddress() {
        List<NetworkInterface> interfaces;
        try {
            interfaces = new ArrayList<>(Collections.list(NetworkInterface.getNetworkInterfaces()));
        } catch (SocketException | NullPointerException e) {
            return null;
        }
        interfaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
        String ipv6 = null;
        for (NetworkInterface candidate : interfaces) {
            try {
                if (!candidate.isUp() || candidate.isLoopback() || candidate.isVirtual()) {
                    continue;
                }
            } catch (SocketException e) {
                continue;
            }
            for (InetAddress address : Collections.list(candidate.getInetAddresses())) {
                if (!usable(address)) {
                    continue;
                }
                if (address instanceof Inet4Address) {
                    return address.getHostAddress();
                }
                if (ipv6 == null && address instanceof Inet6Address) {
                    String text = address.getHostAddress();
                    int scope = text.indexOf('%');
                    ipv6 = scope < 0 ? text : text.substring(0, scope);
                }
            }
        }
        return ipv6;
    }

    private static boolean usable(InetAddress address) {
        return !address.isLoopbackAddress() && !address.isAnyLocalAddress() && !address.isLinkLocalAddress()
                && !address.isMulticastAddress();
    }
}
