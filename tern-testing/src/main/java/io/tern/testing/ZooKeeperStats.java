package io.tern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a ZooKeeper server says of itself through its {@code mntr} four-letter command, which the
 * server must allow ({@code zookeeper.4lw.commands.whitelist=mntr}).
 */
public final class ZooKeeperStats {

    private static final Pattern WATCH_COUNT = Pattern.compile("zk_watch_count\\s+(\\d+)");

    private ZooKeeperStats() {
    }

    /** The server's data and child watches, over all sessions. */
    public static long watchCount(String host, int port) {
        String reply = mntr(host, port);
        Matcher total = WATCH_COUNT.matcher(reply);
        if (!total.find()) {
            throw new AssertionError("mntr reply: " + reply + " (expected: a line zk_watch_count N; is mntr allowed?)");
        }
        return Long.parseLong(total.group(1));
    }

    /**
     * The server's watches once they stop changing (the same count twice, 300 ms apart): a client
     * just connected sets a watch of its own a moment later (Curator's, on the ensemble's
     * configuration).
     */
    public static long settledWatchCount(String host, int port) throws InterruptedException {
        long last = watchCount(host, port);
        while (true) {
            Thread.sleep(300);
            long now = watchCount(host, port);
            if (now == last) {
                return now;
            }
            last = now;
        }
    }

    /** Whether the server leads its ensemble now ({@code zk_server_state leader}). */
    public static boolean isLeader(String host, int port) {
        return mntr(host, port).contains("zk_server_state\tleader");
    }

    private static String mntr(String host, int port) {
        try (Socket socket = new Socket(host, port)) {
            OutputStream out = socket.getOutputStream();
            out.write("mntr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("mntr to " + host + ":" + port, e);
        }
    }
}
