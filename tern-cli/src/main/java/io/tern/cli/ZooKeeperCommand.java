package io.tern.cli;

import io.tern.registry.EmbeddedZooKeeper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tern zookeeper}: a ZooKeeper of its own, for trying Tern across processes on one machine. */
@Command(name = "zookeeper",
        description = {"Runs a standalone ZooKeeper on 127.0.0.1 (ZooKeeper's own embedded server) until"
                + " interrupted, for trying providers and consumers in separate processes: 'tern serve --registry"
                + " zookeeper://127.0.0.1:2181' in one, 'tern call zookeeper://127.0.0.1:2181 --service ...' in"
                + " another. Its data lives in a temporary directory, deleted when it stops. Not for production."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:it could not start (the port is taken)", "2:usage error",
            "130:stopped by Ctrl-C (SIGINT)"})
final class ZooKeeperCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--port", defaultValue = "2181", description = "the client port; 0 for any free one"
            + " (default ${DEFAULT-VALUE})")
    int port;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (port < 0 || port > 65_535) {
            throw new UsageException("--port " + port + " (expected: 0-65535)");
        }
        EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            zookeeper.close();
            stopped.countDown();
        }, "tern-zookeeper-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("ZooKeeper on zookeeper://" + zookeeper.connectString() + " (Ctrl-C stops it and deletes its data)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // stopped from inside the process (tests)
            Runtime.getRuntime().removeShutdownHook(hook);
            zookeeper.close();
        }
        return 0;
    }
}
