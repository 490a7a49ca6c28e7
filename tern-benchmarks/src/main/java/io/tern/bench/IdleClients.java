package io.tern.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many idle dubbo-protocol clients, for {@link IdleConnections}: connections to a provider at
 * {@code HOST PORT}, each from one of many loopback addresses (100 connections per address, as
 * from many client machines), each sending one heartbeat and reading its answer, then silent but
 * for a heartbeat a minute, as a Dubbo consumer keeps its connection. Prints {@code ready}; then
 * each line {@code open N} is answered with {@code open N} once N connections are open. Ends when
 * its standard input closes.
 */
public final class IdleClients {

    private static final int PER_ADDRESS = 100;

    private IdleClients() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        List<SocketChannel> open = new ArrayList<>();
        Thread heartbeats = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(60_000);
                    synchronized (open) {
                        for (SocketChannel channel : open) {
                            heartbeat(channel, open.size());
                        }
                    }
                }
            } catch (InterruptedException | IOException e) {
                // ends with the process
            }
        }, "heartbeats");
        heartbeats.setDaemon(true);
        heartbeats.start();
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            int wanted = Integer.parseInt(line.substring("open ".length()).trim());
            synchronized (open) {
                while (open.size() < wanted) {
                    int n = open.size();
                    int address = n / PER_ADDRESS;
                    InetAddress source = InetAddress.getByAddress(new byte[] {127, 1, (byte) (address / 250),
                            (byte) (address % 250 + 1)});
                    SocketChannel channel = SocketChannel.open();
                    channel.bind(new InetSocketAddress(source, 0));
                    channel.connect(server);
                    heartbeat(channel, n);
                    open.add(channel);
                }
            }
            System.out.println("open " + wanted);
            System.out.flush();
        }
        for (SocketChannel channel : open) {
            channel.close();
        }
        System.exit(0);
    }

    /** Sends a heartbeat request and reads its answer: header, then the body the header announces. */
    private static void heartbeat(SocketChannel channel, long id) throws IOException {
        ByteBuffer request = ByteBuffer.allocate(17);
        request.put((byte) 0xda).put((byte) 0xbb).put((byte) 0xE2).put((byte) 0).putLong(id).putInt(1).put((byte) 'N');
        request.flip();
        while (request.hasRemaining()) {
            channel.write(request);
        }
        ByteBuffer header = ByteBuffer.allocate(16);
        read(channel, header);
        if (header.getShort(0) != (short) 0xdabb) {
            throw new IOException("heartbeat: answered with bytes that are no dubbo frame");
        }
        int length = header.getInt(12);
        if (length < 0 || length > 1024) {
            throw new IOException("heartbeat: an answer of " + length + " bytes (expected: a few)");
        }
        read(channel, ByteBuffer.allocate(length));
    }

    private static void read(SocketChannel channel, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new IOException("the provider closed a connection");
            }
        }
    }
}
