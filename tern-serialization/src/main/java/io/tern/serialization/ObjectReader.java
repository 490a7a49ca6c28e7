package io.tern.serialization;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the Hessian objects of one class. Made once per class by {@link ObjectReaders} and shared
 * by every reader of a serialization; thread-safe.
 */
abstract class ObjectReader {

    /** The last definition made: most messages repeat it, field for field. */
    private volatile Hessian2Reader.@Nullable ClassDef last;

    /** The definition last made for this class, or {@code null}. */
    final Hessian2Reader.@Nullable ClassDef lastDefinition() {
        return last;
    }

    /** The definition of objects of this class with these fields, in this order. */
    final Hessian2Reader.ClassDef definition(String[] fields) {
        Hessian2Reader.ClassDef made = last;
        if (made != null && Arrays.equals(made.fields(), fields)) {
            return made;
        }
        made = new Hessian2Reader.ClassDef(this, fields, makePlan(fields));
        last = made;
        return made;
    }

    abstract Object makePlan(String[] fields);

    /** Reads one object of a definition made by {@link #plan}, taking its reference slot. */
    abstract @Nullable Object read(Hessian2Reader in, Hessian2Reader.ClassDef def);

    /**
     * Makes an object from fields read already, by name: Hessian's map form of an object, which
     * carries no definition to read the values by.
     */
    @Nullable Object fromFields(String[] names, @Nullable Object[] values) {
        throw new io.tern.RpcException(io.tern.RpcStatus.SERIALIZATION, "hessian2: " + this
                + " cannot be read from a map (expected: an object)");
    }
}
