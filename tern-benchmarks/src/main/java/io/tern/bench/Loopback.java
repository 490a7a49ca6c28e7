package io.tern.bench;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.stream.Collectors;

/** Keeps Apache Dubbo on 127.0.0.1: it otherwise picks the machine's first other address. */
public final class Loopback {

    private Loopback() {
    }

    public static void confineDubbo() {
        System.setProperty("dubbo.network.interface.ignored", nonLoopbackInterfaces());
        System.setProperty("dubbo.application.logger", "slf4j");
        System.setProperty("dubbo.service.shutdown.wait", "200");
    }

    private static String nonLoopbackInterfaces() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(i -> {
                        try {
                            return !i.isLoopback();
                        } catch (SocketException e) {
                            return true;
                        }
                    })
                    .map(NetworkInterface::getName)
                    .collect(Collectors.joining(","));
        } catch (SocketException e) {
            return "";
        }
    }
}
