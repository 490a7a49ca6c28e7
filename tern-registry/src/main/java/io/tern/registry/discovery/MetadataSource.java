package io.tern.registry.discovery;

import java.util.concurrent.CompletableFuture;

/**
 * Where a consumer gets the metadata of the revision an instance advertises: from the instance's
 * own metadata service ({@link MetadataService}, at the address its
 * {@link InstanceMetadata#METADATA_SERVICE_PARAMS} give), as Apache Dubbo's consumers do. Made by
 * whoever holds the protocols that reach it.
 */
@FunctionalInterface
public interface MetadataSource {

    /**
     * Asks {@code instance} for the metadata of the revision it advertises. Must not block; the
     * future fails, naming the instance and the revision, when the instance does not answer or
     * does not know the revision.
     */
    CompletableFuture<AppMetadata> metadata(InstanceNode instance);
}
