package io.tern.serialization;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the Hessian objects of one class. Made once per class by {@link ObjectReaders} and shared
 * by every reader of a serialization; thread-safe.
 */
abstract class ObjectReader {

    /** The last plan made, with the fields it was made for: most messages repeat a definition. */
    private volatile @Nullable Planned last;

    private record Planned(String[] fields, Object plan) {
    }

    /** The plan for reading objects of a class definition with these fields, in this order. */
    final Object plan(String[] fields) {
        Planned planned = last;
        if (planned != null && Arrays.equals(planned.fields, fields)) {
            return planned.plan;
        }
        Object plan = makePlan(fields);
        last = new Planned(fields, plan);
        return plan;
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
