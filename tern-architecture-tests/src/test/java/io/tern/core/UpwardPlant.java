package io.tern.core;

/** A core class that uses the dubbo protocol: the dependency {@code LayeringTest} must catch. */
final class UpwardPlant {
    private UpwardPlant() {
    }

    static String name() {
        return io.tern.dubbo.DubboProtocol.class.getName();
    }
}
