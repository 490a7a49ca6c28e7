package io.tern.dubbo;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;

/** Builds dubbo frames by hand and talks to a server over a plain socket, for hostile-input tests. */
final class RawFrames {

    private RawFrames() {
    }

    /** A decoded answer: the header's status and id, and the body's first string (an error message). */
    record Answer(byte flags, int status, long id, byte[] body) {
        String message() throws IOException {
            return new Hessian2Input(new ByteArrayInputStream(body)).readString();
        }
    }

    static byte[] header(byte flags, long id, int length) {
        return ByteBuffer.allocate(16).putShort((short) 0xdabb).put(flags).put((byte) 0).putLong(id).putInt(length)
                .array();
    }

    /** A provider's OK answer (status 20, Hessian2) to call {@code id}. */
    static byte[] answer(long id, byte[] body) {
        byte[] frame = frame((byte) 0x02, id, body);
        frame[3] = 20;
        return frame;
    }

    static byte[] frame(byte flags, long id, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).put(header(flags, id, body.length)).put(body).array();
    }

    /** A request body: version, path, service version, method, descriptor, arguments, attachments. */
    static byte[] callBody(String path, String version, String method, String descriptor, Map<String, Object> attachments,
            Object... args) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = callHeader(bytes, path, version, method, descriptor);
        for (Object arg : args) {
            out.writeObject(arg);
        }
        out.writeObject(attachments);
        out.flushBuffer();
        return bytes.toByteArray();
    }

    /** A request body whose single argument is an object of a class named on the wire, never loaded here. */
    static byte[] callBodyWithObjectOf(String path, String version, String method, String descriptor,
            String className) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = callHeader(bytes, path, version, method, descriptor);
        int ref = out.writeObjectBegin(className);
        if (ref == -1) {
            out.writeClassFieldLength(1);
            out.writeString("dataSourceName");
            out.writeObjectBegin(className);
        }
        out.writeString("ldap://127.0.0.1:1/x");
        out.writeObject(Map.of());
        out.flushBuffer();
        return bytes.toByteArray();
    }

    private static Hessian2Output callHeader(ByteArrayOutputStream bytes, String path, String version, String method,
            String descriptor) throws IOException {
        Hessian2Output out = new Hessian2Output(bytes);
        out.writeString("2.0.2");
        out.writeString(path);
        out.writeString(version);
        out.writeString(method);
        out.writeString(descriptor);
        return out;
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, byte[]... parts) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        out.flush();
    }

    /** Reads one frame. */
    static Answer read(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] header = new byte[16];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        if (h.getShort() != (short) 0xdabb) {
            throw new IOException("not a dubbo frame");
        }
        byte flags = h.get();
        int status = h.get() & 0xff;
        long id = h.getLong();
        int length = h.getInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return new Answer(flags, status, id, body);
    }

    /** Whether the server closed the connection (end of stream within the socket timeout). */
    static boolean closedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            byte[] buffer = new byte[4096];
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return true; // reset by peer
        }
    }
}
