package io.tern.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import io.netty.buffer.Unpooled;
import io.tern.ClassPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tern's java.time writers and readers against hessian-lite's own, byte for byte. */
class JavaTimeHandlesTest {

    /** A DTO with dates, some of them shared, as a service would return. */
    public static final class Stamped implements Serializable {
        private static final long serialVersionUID = 1L;
        LocalDate day = LocalDate.of(1815, 12, 10);
        LocalTime time = LocalTime.of(9, 30, 15, 123_456_789);
        LocalDateTime created = LocalDateTime.of(2024, 2, 29, 23, 59, 59);
        LocalDateTime updated = created; // the same instance again
        List<Object> more = new ArrayList<>(List.of(LocalDate.of(2000, 1, 1), "text", LocalDate.MIN));
    }

    private static byte[] hessianLite(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        out.writeObject(value);
        out.flushBuffer();
        return bytes.toByteArray();
    }

    private static byte[] tern(Hessian2Serialization serialization, Object value) {
        return Bytes.tern(serialization, value);
    }

    private static Hessian2Serialization serialization() {
        return new Hessian2Serialization(ClassPolicy.strict().allowClass(Stamped.class));
    }

    @Test
    void writesExactlyWhatHessianLiteWrites() throws IOException {
        Hessian2Serialization serialization = serialization();
        for (Object value : List.of(LocalDate.of(2026, 11, 27), LocalTime.of(23, 1, 2, 3), LocalTime.MIDNIGHT,
                LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_999), new Stamped())) {
            assertThat(tern(serialization, value)).as(value.getClass().getSimpleName())
                    .isEqualTo(hessianLite(value));
        }
    }

    @Test
    void readsTheMapFormToo() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        out.writeMapBegin(JavaTimeHandles.DATE);
        for (String field : new String[] {"month", "day", "year"}) {
            out.writeString(field);
            out.writeInt(switch (field) {
                case "year" -> 2026;
                case "month" -> 11;
                default -> 27;
            });
        }
        out.writeMapEnd();
        out.flushBuffer();
        try (ObjectInput in = serialization().input(Unpooled.wrappedBuffer(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(LocalDate.of(2026, 11, 27));
        }
    }

    @Test
    void readsWhatHessianLiteWritesAndTheReverse() throws IOException {
        Hessian2Serialization serialization = serialization();
        Stamped original = new Stamped();
        Object read;
        try (ObjectInput in = serialization.input(Unpooled.wrappedBuffer(hessianLite(original)))) {
            read = in.readObject();
        }
        assertThat(read).isInstanceOfSatisfying(Stamped.class, s -> {
            assertThat(s.day).isEqualTo(original.day);
            assertThat(s.time).isEqualTo(original.time);
            assertThat(s.created).isEqualTo(original.created);
            assertThat(s.updated).isEqualTo(original.created);
            assertThat(s.more).containsExactlyElementsOf(original.more);
        });

        Hessian2Input hessianLite = new Hessian2Input(new ByteArrayInputStream(tern(serialization, original)));
        Stamped back = (Stamped) hessianLite.readObject();
        assertThat(back.created).isEqualTo(original.created);
        assertThat(back.updated).isEqualTo(original.updated);
        assertThat(back.more).containsExactlyElementsOf(original.more);
    }
}
