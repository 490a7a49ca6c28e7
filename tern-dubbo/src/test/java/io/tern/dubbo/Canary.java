package io.tern.dubbo;

import java.io.Serializable;

/** Named on the wire by hostile frames; never allowed. Records whether it was ever initialized or built. */
public class Canary implements Serializable {

    private static final long serialVersionUID = 1L;

    static {
        CanaryRecord.initialized = true;
    }

    String dataSourceName;

    public Canary() {
        CanaryRecord.constructed = true;
    }
}
