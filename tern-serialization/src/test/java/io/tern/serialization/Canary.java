package io.tern.serialization;

import java.io.Serializable;

/** A class the tests name on the wire but never allow: its initializer and constructor record that they ran. */
public class Canary implements Serializable {

    private static final long serialVersionUID = 1L;

    static {
        CanaryRecord.initialized = true;
    }

    int x;

    public Canary() {
        CanaryRecord.constructed = true;
    }
}
