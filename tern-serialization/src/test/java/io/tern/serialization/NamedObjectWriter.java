package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.AbstractHessianOutput;
import com.alibaba.com.caucho.hessian.io.AbstractSerializer;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Writes a value as a Hessian object of a given type name and fields, in the object form (class
 * definition once per message, then field values) or, for Hessian 1 streams, the map form: for
 * values Tern writes under another class's name so that Apache Dubbo reads them as its own.
 */
abstract class NamedObjectWriter extends AbstractSerializer {

    private final String type;
    private final String[] fields;

    NamedObjectWriter(String type, String[] fields) {
        this.type = type;
        this.fields = fields.clone();
    }

    /** Writes one field of {@code value}. */
    abstract void writeField(String field, Object value, AbstractHessianOutput out) throws IOException;

    /**
     * The object whose reference slot the written object takes. The value itself by default; a
     * fresh object where the writer being matched writes a new stand-in object every time.
     */
    Object referent(Object value) {
        return value;
    }

    @Override
    public void writeObject(@Nullable Object value, AbstractHessianOutput out) throws IOException {
        if (value == null) {
            out.writeNull();
            return;
        }
        if (out.addRef(referent(value))) {
            return;
        }
        int ref = out.writeObjectBegin(type);
        if (ref < -1) {
            for (String field : fields) {
                out.writeString(field);
                writeField(field, value, out);
            }
            out.writeMapEnd();
            return;
        }
        if (ref == -1) {
            out.writeClassFieldLength(fields.length);
            for (String field : fields) {
                out.writeString(field);
            }
            out.writeObjectBegin(type);
        }
        for (String field : fields) {
            writeField(field, value, out);
        }
    }
}
