package io.tern.registry.discovery;

import io.tern.registry.discovery.v2.MetadataInfoV2;
import io.tern.registry.discovery.v2.MetadataRequest;

/**
 * What an application instance answers about itself over Triple, as Apache Dubbo 3.3's
 * {@code org.apache.dubbo.metadata.MetadataServiceV2} (protobuf, version 2.0.0, group = the
 * application's name): the metadata of a revision it advertised. Served where Triple is, and then
 * advertised ({@code meta-v=2.0.0}), as Dubbo advertises it.
 */
public interface MetadataServiceV2 {

    /** Dubbo's name for this service: the gRPC service name. */
    String NAME = "org.apache.dubbo.metadata.MetadataServiceV2";
    /** The version Dubbo's consumers ask for. */
    String VERSION = "2.0.0";

    /**
     * The metadata of the revision asked for; an empty message (no app, no services) when this
     * instance never advertised it, or so long ago that it no longer keeps it, as Dubbo answers.
     */
    MetadataInfoV2 getMetadataInfo(MetadataRequest request);
}
