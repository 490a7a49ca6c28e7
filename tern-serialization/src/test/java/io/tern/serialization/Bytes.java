package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Messages written by Tern's writer, and by hessian-lite's (the oracle Tern's must equal). */
final class Bytes {

    private Bytes() {
    }

    /** The bytes Tern writes for these values, one after another. */
    static byte[] tern(Hessian2Serialization serialization, Object... values) {
        ByteBuf buf = Unpooled.buffer();
        try (ObjectOutput out = serialization.output(buf)) {
            for (Object value : values) {
                out.writeObject(value);
            }
        }
        return ByteBufUtil.getBytes(buf);
    }

    /** The bytes hessian-lite 4.0.3 writes for these values, with the writers Tern's must match. */
    static byte[] hessianLite(Object... values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            Hessian2Output out = new Hessian2Output(bytes);
            out.setSerializerFactory(new WriterFactory(Bytes.class.getClassLoader()));
            for (Object value : values) {
                out.writeObject(value);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
