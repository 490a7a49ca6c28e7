package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.AbstractHessianOutput;
import com.alibaba.com.caucho.hessian.io.HessianProtocolException;
import com.alibaba.com.caucho.hessian.io.Serializer;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import io.tern.GenericException;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * hessian-lite's serializer factory with Tern's writers for the values it writes in a form of its
 * own: {@link GenericException} under Dubbo's name, and {@code java.time} values without
 * reflection. Used for writing only; Tern reads with {@link Hessian2Reader}.
 */
final class WriterFactory extends SerializerFactory {

    /** The name Apache Dubbo gives the exception of a generic call on the wire. */
    static final String DUBBO_GENERIC_EXCEPTION = "com.alibaba.dubbo.rpc.service.GenericException";

    WriterFactory(ClassLoader loader) {
        super(loader);
    }

    @Override
    @SuppressWarnings("rawtypes") // Hessian's signature
    public Serializer getSerializer(Class cl) throws HessianProtocolException {
        if (cl == GenericException.class) {
            return GenericExceptionSerializer.INSTANCE;
        }
        Serializer time = JavaTimeHandles.serializer(cl);
        return time != null ? time : super.getSerializer(cl);
    }

    /**
     * Writes a {@link GenericException} as Dubbo's {@code com.alibaba.dubbo.rpc.service.GenericException}
     * with the fields Dubbo reads, in Hessian's object form (or map form for Hessian 1 streams).
     */
    private static final class GenericExceptionSerializer extends NamedObjectWriter {
        static final GenericExceptionSerializer INSTANCE = new GenericExceptionSerializer();

        GenericExceptionSerializer() {
            super(DUBBO_GENERIC_EXCEPTION, new String[] {"detailMessage", "exceptionClass", "exceptionMessage"});
        }

        @Override
        void writeField(String field, Object value, AbstractHessianOutput out) throws IOException {
            GenericException e = (GenericException) value;
            out.writeString(switch (field) {
                case "detailMessage" -> e.getMessage();
                case "exceptionClass" -> e.exceptionClass();
                default -> e.exceptionMessage();
            });
        }
    }
}
