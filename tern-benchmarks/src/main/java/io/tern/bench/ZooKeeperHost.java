package io.tern.bench;

import io.tern.ServiceUrl;
import io.tern.example.UserService;
import io.tern.registry.EmbeddedZooKeeper;
import io.tern.registry.ZooKeeperRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The registry of the estate-growth benchmarks, in a JVM of its own so that the JVM measured
 * holds and allocates nothing of it: an embedded ZooKeeper, and a writer that registers and
 * unregisters providers of {@link UserService} in Dubbo's layout when told to. Prints
 * {@code zookeeper HOST:PORT} once it serves, then answers each line with {@code ok}:
 * {@code add FROM TO} registers providers number FROM to TO - 1, {@code remove N} unregisters
 * number N; {@code count} is answered with {@code count N}, the providers of {@link UserService}
 * registered, by anyone. Ends when its standard input closes.
 */
public final class ZooKeeperHost {

    private ZooKeeperHost() {
    }

    /**
     * Provider number {@code n}: an address of its own (10.1.0.0/16 and up, which no benchmark
     * dials: the consumers connect lazily), as a Dubbo 3.3.5 provider registers it.
     */
    static ServiceUrl provider(int n) {
        String host = "10." + (1 + n / 65_536) + "." + (n / 256 % 256) + "." + (n % 256);
        String name = UserService.class.getName();
        return ServiceUrl.parse("dubbo://" + host + ":20880/" + name + "?anyhost=true&application=estate-provider"
                + "&deprecated=false&dubbo=2.0.2&dynamic=true&generic=false&interface=" + name
                + "&methods=echo,existUser,getUser,getUserAsync,listUser&prefer.serialization=hessian2"
                + "&release=3.3.5&serialization=hessian2&side=provider&timeout=3000&timestamp=1733500000000");
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(0);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            ZooKeeperRegistry writer = ZooKeeperRegistry.connect(ServiceUrl.parse("zookeeper://"
                    + zookeeper.connectString() + "?timeout=60000&file-cache=false"));
            System.out.println("zookeeper " + zookeeper.connectString());
            System.out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.trim().split(" ");
                switch (words[0]) {
                    case "add" -> {
                        for (int n = Integer.parseInt(words[1]); n < Integer.parseInt(words[2]); n++) {
                            writer.register(provider(n));
                        }
                    }
                    case "remove" -> writer.unregister(provider(Integer.parseInt(words[1])));
                    case "count" -> {
                        System.out.println("count " + writer.registered(UserService.class.getName(), "providers").size());
                        System.out.flush();
                        continue;
                    }
                    default -> throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "command: '%s' (expected: add FROM TO, remove N, or count)", line));
                }
                System.out.println("ok");
                System.out.flush();
            }
            writer.close();
        }
        System.exit(0);
    }
}
