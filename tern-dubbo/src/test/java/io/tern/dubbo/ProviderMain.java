package io.tern.dubbo;

import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;

/**
 * A provider in a process of its own, for tests that kill it: prints {@code port N} once
 * listening and {@code sleeping} when a call to {@code sleep} starts.
 */
public final class ProviderMain {

    private ProviderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        DubboProtocol protocol = DubboProtocol.create();
        Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl() {
            @Override
            public String sleep(long millis) throws InterruptedException {
                System.out.println("sleeping");
                System.out.flush();
                return super.sleep(millis);
            }
        }, ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName())));
        System.out.println("port " + exporter.url().port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
