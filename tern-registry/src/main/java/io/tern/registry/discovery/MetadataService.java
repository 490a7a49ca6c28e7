package io.tern.registry.discovery;

/**
 * What an application instance answers about itself, as Apache Dubbo's
 * {@code org.apache.dubbo.metadata.MetadataService} (version 1.0.0, group = the application's
 * name) answers it: the metadata of a revision it advertised. Exported under Dubbo's interface
 * name, not registered at the interface level.
 */
public interface MetadataService {

    /** Dubbo's name for this service, the path consumers call it at. */
    String NAME = "org.apache.dubbo.metadata.MetadataService";
    /** The version Dubbo's consumers ask for. */
    String VERSION = "1.0.0";

    /**
     * The metadata of {@code revision}; null when this instance never advertised it, or so long
     * ago that it no longer keeps it.
     */
    @org.jspecify.annotations.Nullable MetadataInfoMessage getMetadataInfo(String revision);
}
