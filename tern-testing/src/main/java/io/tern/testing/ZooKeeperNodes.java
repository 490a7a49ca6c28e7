package io.tern.testing;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;

/** Writing ZooKeeper nodes as an operator or dubbo-admin would: a rule in the config center, say. */
public final class ZooKeeperNodes {

    private ZooKeeperNodes() {
    }

    /** Makes the node at {@code path} (and its parents) hold {@code text}, or changes what it holds. */
    public static void write(CuratorFramework client, String path, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (client.checkExists().forPath(path) == null) {
            client.create().creatingParentsIfNeeded().forPath(path, bytes);
        } else {
            client.setData().forPath(path, bytes);
        }
    }
}
