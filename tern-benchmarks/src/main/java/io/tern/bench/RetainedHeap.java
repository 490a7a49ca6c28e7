package io.tern.bench;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.dubbo.DubboProtocol;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Protocol;
import org.apache.dubbo.rpc.ProxyFactory;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.apache.dubbo.rpc.model.ModuleModel;

/**
 * Retained heap per live referred invoker and per exported service: make {@code count} of them
 * (distinct service versions, one provider port, one shared connection), and divide the growth of
 * the heap after full collections by the count. Tern through its {@code DubboProtocol}; Apache
 * Dubbo 3.3.5 through its own {@code Protocol} and {@code ProxyFactory} extensions, the layer
 * {@code ReferenceConfig} and {@code ServiceConfig} use.
 *
 * <p>Arguments: {@code tern|dubbo [count]}. Run each in a fresh JVM.
 */
public final class RetainedHeap {

    private RetainedHeap() {
    }

    public static void main(String[] args) throws Exception {
        String framework = args.length > 0 ? args[0] : "tern";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        double[] perObject = "dubbo".equals(framework) ? dubbo(count) : tern(count);
        System.out.printf(Locale.ROOT, "%s: %,d bytes per referred invoker, %,d bytes per exported service (%,d each)%n",
                framework, Math.round(perObject[0]), Math.round(perObject[1]), count);
        System.exit(0);
    }

    private static double[] tern(int count) {
        DubboProtocol provider = DubboProtocol.create();
        DubboProtocol consumer = DubboProtocol.create();
        ServiceUrl first = provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + UserService.class.getName()))).url();
        String base = "dubbo://127.0.0.1:" + first.port() + "/" + UserService.class.getName() + "?version=";
        List<Invoker<UserService>> invokers = new ArrayList<>(count);
        invokers.add(consumer.refer(UserService.class, ServiceUrl.parse(base + "warm")));
        long before = Estate.usedHeap();
        for (int i = 0; i < count; i++) {
            invokers.add(consumer.refer(UserService.class, ServiceUrl.parse(base + "r" + i)));
        }
        double perInvoker = (Estate.usedHeap() - before) / (double) count;

        List<Exporter<UserService>> exporters = new ArrayList<>(count);
        before = Estate.usedHeap();
        for (int i = 0; i < count; i++) {
            exporters.add(provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                    ServiceUrl.parse(base + "e" + i))));
        }
        double perExporter = (Estate.usedHeap() - before) / (double) count;
        keep(invokers, exporters);
        return new double[] {perInvoker, perExporter};
    }

    private static double[] dubbo(int count) {
        DubboSide.requirePrivateNetwork();
        DubboSide.configure();
        ApplicationModel application = FrameworkModel.defaultModel().newApplication();
        ModuleModel module = application.newModule();
        Protocol protocol = application.getExtensionLoader(Protocol.class).getAdaptiveExtension();
        ProxyFactory proxies = application.getExtensionLoader(ProxyFactory.class).getAdaptiveExtension();
        int port = BenchServer.freePort();
        String base = "dubbo://127.0.0.1:" + port + "/" + UserService.class.getName()
                + "?serialization=hessian2&interface=" + UserService.class.getName() + "&version=";
        List<Object> exporters = new ArrayList<>(count);
        exporters.add(protocol.export(proxies.getInvoker(new UserServiceImpl(), UserService.class,
                URL.valueOf(base + "first").setScopeModel(module))));
        List<Object> invokers = new ArrayList<>(count);
        invokers.add(protocol.refer(UserService.class, URL.valueOf(base + "warm").setScopeModel(module)));
        long before = Estate.usedHeap();
        for (int i = 0; i < count; i++) {
            invokers.add(protocol.refer(UserService.class, URL.valueOf(base + "r" + i).setScopeModel(module)));
        }
        double perInvoker = (Estate.usedHeap() - before) / (double) count;

        before = Estate.usedHeap();
        for (int i = 0; i < count; i++) {
            exporters.add(protocol.export(proxies.getInvoker(new UserServiceImpl(), UserService.class,
                    URL.valueOf(base + "e" + i).setScopeModel(module))));
        }
        double perExporter = (Estate.usedHeap() - before) / (double) count;
        keep(invokers, exporters);
        return new double[] {perInvoker, perExporter};
    }

    private static volatile Object sink;

    /** Keeps what was made reachable until after the last measurement. */
    private static void keep(Object a, Object b) {
        sink = List.of(a, b);
    }
}
