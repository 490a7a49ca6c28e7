package io.tern.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The ceiling: a ping-pong of length-prefixed byte arrays over plain blocking sockets, a thread
 * per connection. A request is {@code [request length][response length][request bytes]}; the
 * answer is {@code [response length][response bytes]}, so the client picks both sizes.
 */
final class RawServer implements AutoCloseable {

    private final ServerSocket socket;

    RawServer() throws IOException {
        socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "raw-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connection.setTcpNoDelay(true);
                Thread serving = new Thread(() -> serve(connection), "raw-conn");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket connection) {
        try (connection;
                DataInputStream in = new DataInputStream(new BufferedInputStream(connection.getInputStream(), 65_536));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(connection.getOutputStream(),
                        65_536))) {
            byte[] request = new byte[0];
            byte[] response = new byte[0];
            while (true) {
                int requestLength = in.readInt();
                int responseLength = in.readInt();
                if (request.length < requestLength) {
                    request = new byte[requestLength];
                }
                if (response.length < responseLength) {
                    response = new byte[responseLength];
                }
                in.readFully(request, 0, requestLength);
                out.writeInt(responseLength);
                out.write(response, 0, responseLength);
                out.flush();
            }
        } catch (EOFException e) {
            // the client is done
        } catch (IOException e) {
            // the connection broke; nothing to answer
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
