package io.tern.cluster.internal;

/** Something that keeps state per provider and says how much, for lifecycle tests. */
public interface StateSize {

    /** How many providers it keeps state about now. */
    int stateSize();
}
