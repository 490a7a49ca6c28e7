package io.tern.registry.discovery;

import static java.util.Objects.requireNonNull;

import io.tern.registry.discovery.v2.MetadataInfoV2;
import io.tern.registry.discovery.v2.MetadataRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The metadata service of one application instance, in both of Dubbo's versions (Hessian2 and
 * protobuf over Triple): answers for the revision it advertises now
 * and for the last few before it (a consumer may ask for the one it saw a moment ago), at most
 * {@link #HISTORY}, as Dubbo keeps 16.
 */
public final class LocalMetadataService implements MetadataService, MetadataServiceV2 {

    /** Revisions answered for: the current one and the ones before it. */
    public static final int HISTORY = 16;

    private final Map<String, MetadataInfoMessage> revisions = new LinkedHashMap<>(HISTORY * 2, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MetadataInfoMessage> eldest) {
            return size() > HISTORY;
        }
    };

    /** Answers for {@code metadata}'s revision from now on; returns that revision. */
    public synchronized String publish(AppMetadata metadata) {
        requireNonNull(metadata, "metadata");
        MetadataInfoMessage message = MetadataInfoMessage.of(metadata);
        revisions.remove(message.revision());
        revisions.put(message.revision(), message);
        return message.revision();
    }

    @Override
    public synchronized @Nullable MetadataInfoMessage getMetadataInfo(String revision) {
        return revisions.get(revision);
    }

    @Override
    public MetadataInfoV2 getMetadataInfo(MetadataRequest request) {
        MetadataInfoMessage message = getMetadataInfo(request.getRevision());
        return message == null ? MetadataInfoV2.getDefaultInstance() : message.toV2();
    }

    /** Revisions answered for now; for lifecycle tests. */
    public synchronized int size() {
        return revisions.size();
    }
}
