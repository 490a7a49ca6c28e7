package io.tern.dubbo;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** Reads and drops what a server sends until it closes or goes quiet. */
final class RawFramesDrain {

    private RawFramesDrain() {
    }

    static void drain(Socket socket) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            while (in.read(buffer) >= 0) {
                // keep reading
            }
        } catch (IOException ignored) {
            // closed, reset or quiet: done
        }
    }
}
