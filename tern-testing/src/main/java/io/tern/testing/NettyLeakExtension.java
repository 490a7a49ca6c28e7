package io.tern.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports a leaked buffer while it ran. Installed
 * for every test class through JUnit's extension auto-detection; the detector runs at the level
 * Surefire sets ({@code paranoid}).
 */
public final class NettyLeakExtension implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    /**
     * Where peers' own leaks are made, not Tern's: Apache Dubbo 3.3.5's port-unification handler
     * allocates a buffer for each TLS connection that negotiates {@code h2} by ALPN and never
     * releases it. Such a leak is logged to standard error and does not fail the class; any other
     * leak does.
     */
    private static final List<String> FOREIGN_SITES = List.of(
            "org.apache.dubbo.remoting.transport.netty4.NettyPortUnificationServerHandler$1.configurePipeline");

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Leaks are reported when the detector tracks new buffers after a collection.
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (int j = 0; j < 32; j++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                unpooled.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError("Netty reported " + LEAKS.size() + " leaked buffer(s) in "
                    + context.getDisplayName() + ":\n" + String.join("\n", LEAKS));
        }
    }

    /** Leaks reported so far; for the test that proves this extension catches one. */
    static List<String> leaks() {
        return LEAKS;
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
            detector.setLeakListener((type, records) -> {
                if (FOREIGN_SITES.stream().anyMatch(records::contains)) {
                    System.err.println("a peer's own leak, not Tern's: " + type + ": " + records);
                } else {
                    LEAKS.add(type + ": " + records);
                }
            });
            return detector;
        }
    }
}
