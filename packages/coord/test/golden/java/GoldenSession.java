import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Version;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * Drives the official ZooKeeper Java client through a fixed script of operations that covers the
 * wire format broadly, so capture.ts can record the frames through a proxy as golden bytes.
 *
 * Usage: java GoldenSession host:port. Expects a fresh server (paths are fixed).
 *
 * Protocol with the capture script, on stdout/stdin: it prints "READY_FOR_DROP n" when the
 * connection should be cut, then waits for a line on stdin (sent after the proxy dropped the
 * connection) and for the client to reconnect. The first drop happens with only one-shot watches
 * registered (the client re-registers them with SetWatches, opcode 101), the second with
 * persistent watches too (SetWatches2, opcode 105). Lines starting "INFO" are informational.
 */
public final class GoldenSession {
    private static final int SESSION_TIMEOUT_MS = 6000;
    private static final BlockingQueue<KeeperState> STATES = new LinkedBlockingQueue<>();
    private static final List<ACL> OPEN = Ids.OPEN_ACL_UNSAFE;

    private GoldenSession() {}

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Runs an operation that is expected to fail, printing the error code it failed with. */
    private interface Failing {
        void run() throws KeeperException, InterruptedException;
    }

    private static void expectFailure(String what, Failing op) throws InterruptedException {
        try {
            op.run();
            say("INFO " + what + " unexpectedly succeeded");
        } catch (KeeperException e) {
            say("INFO " + what + " failed as expected: " + e.code());
        }
    }

    private static void awaitState(KeeperState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            long left = deadline - System.nanoTime();
            KeeperState state = STATES.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (state == null) throw new IllegalStateException("timed out waiting for " + wanted);
            if (state == wanted) return;
        }
    }

    /** Asks the capture script to cut the connection, then waits until the client is back. */
    private static void dropAndReconnect(BufferedReader stdin, int n) throws Exception {
        STATES.clear();
        say("READY_FOR_DROP " + n);
        if (stdin.readLine() == null) throw new IllegalStateException("stdin closed before drop " + n);
        awaitState(KeeperState.Disconnected);
        awaitState(KeeperState.SyncConnected);
        say("INFO reconnected after drop " + n);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: GoldenSession host:port");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        say("CLIENT_VERSION " + Version.getFullVersion());
        say("JAVA_VERSION " + System.getProperty("java.version"));

        Watcher defaultWatcher = (WatchedEvent event) -> {
            if (event.getType() == EventType.None) STATES.add(event.getState());
            else say("INFO event " + event.getType() + " " + event.getPath());
        };
        ZooKeeper zk = new ZooKeeper(args[0], SESSION_TIMEOUT_MS, defaultWatcher);
        awaitState(KeeperState.SyncConnected);
        Stat stat = new Stat();

        // create (1) and create2 (15) in every mode; CONTAINER always sends createContainer (19)
        // and the TTL modes createTTL (21), which need a Stat and a ttl in the Java API.
        zk.create("/golden", b("root"), OPEN, CreateMode.PERSISTENT);
        zk.create("/golden/persistent", b("p"), OPEN, CreateMode.PERSISTENT);
        zk.create("/golden/persistent2", b("p2"), OPEN, CreateMode.PERSISTENT, stat);
        zk.create("/golden/ephemeral", b("e"), OPEN, CreateMode.EPHEMERAL);
        zk.create("/golden/ephemeral2", b("e2"), OPEN, CreateMode.EPHEMERAL, stat);
        zk.create("/golden/pseq-", b("ps"), OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        zk.create("/golden/pseq-", b("ps"), OPEN, CreateMode.PERSISTENT_SEQUENTIAL, stat);
        zk.create("/golden/eseq-", b("es"), OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
        zk.create("/golden/eseq-", b("es"), OPEN, CreateMode.EPHEMERAL_SEQUENTIAL, stat);
        zk.create("/golden/container", b("c"), OPEN, CreateMode.CONTAINER);
        zk.create("/golden/container2", b("c2"), OPEN, CreateMode.CONTAINER, stat);
        zk.create("/golden/ttl", b("t"), OPEN, CreateMode.PERSISTENT_WITH_TTL, stat, 600_000L);
        zk.create("/golden/tseq-", b("ts"), OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, stat, 600_000L);
        zk.create("/golden/nulldata", null, OPEN, CreateMode.PERSISTENT);
        expectFailure("create existing", () -> zk.create("/golden", b("x"), OPEN, CreateMode.PERSISTENT));
        expectFailure("create without parent", () -> zk.create("/golden/none/child", b("x"), OPEN, CreateMode.PERSISTENT, stat));

        // Reads with watches, then a write that fires the data watch (notification, xid -1).
        zk.getData("/golden/persistent", true, stat);
        zk.getData("/golden/nulldata", false, stat);
        zk.setData("/golden/persistent", b("p-v1"), 0);
        expectFailure("setData bad version", () -> zk.setData("/golden/persistent", b("x"), 7));
        zk.exists("/golden/persistent", true);
        zk.exists("/golden/missing", true);
        zk.getChildren("/golden", true);
        zk.getChildren("/golden", true, stat);
        zk.getACL("/golden/persistent", stat);

        // Auth (xid -4) and ACLs: a digest ACL, and CREATOR_ALL_ACL which the server expands.
        zk.addAuthInfo("digest", b("golden:secret"));
        zk.create("/golden/acl", b("a"), OPEN, CreateMode.PERSISTENT);
        String digest = DigestAuthenticationProvider.generateDigest("golden:secret");
        zk.setACL("/golden/acl", Collections.singletonList(new ACL(Perms.ALL, new Id("digest", digest))), 0);
        zk.getACL("/golden/acl", stat);
        zk.create("/golden/creator", b("cr"), Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);

        // delete with a version, and its failures.
        zk.delete("/golden/ephemeral", 0);
        expectFailure("delete missing", () -> zk.delete("/golden/ephemeral", -1));
        expectFailure("delete bad version", () -> zk.delete("/golden/persistent2", 5));

        // multi (14) that succeeds, covering every op kind the Java client can put in one.
        List<OpResult> ok = zk.multi(Arrays.asList(
            Op.create("/golden/multi-a", b("ma"), OPEN, CreateMode.PERSISTENT),
            Op.create("/golden/multi-c", b("mc"), OPEN, CreateMode.CONTAINER),
            Op.create("/golden/multi-t", b("mt"), OPEN, CreateMode.PERSISTENT_WITH_TTL, 600_000L),
            Op.setData("/golden/multi-a", b("ma-v1"), 0),
            Op.check("/golden/multi-a", 1),
            Op.delete("/golden/multi-a", 1)));
        say("INFO multi ok results " + ok.size());
        // multi that fails on its second op: every result comes back as an error result.
        expectFailure("multi with failing check", () -> zk.multi(Arrays.asList(
            Op.create("/golden/multi-b", b("mb"), OPEN, CreateMode.PERSISTENT),
            Op.check("/golden/missing", 0),
            Op.setData("/golden/persistent", b("never"), -1))));
        // multiRead (22): read ops only; a missing node gives a per-op error result.
        List<OpResult> reads = zk.multi(Arrays.asList(
            Op.getData("/golden/persistent"),
            Op.getChildren("/golden/acl"),
            Op.getData("/golden/missing")));
        say("INFO multiRead results " + reads.size());

        // Idle long enough for the client to send a ping (every readTimeout/2 = timeout/3).
        Thread.sleep(SESSION_TIMEOUT_MS / 3 + 500);

        // One-shot watches only, then drop #1: the reconnect re-registers them with SetWatches.
        zk.getData("/golden/persistent", true, stat);
        zk.exists("/golden/missing2", true);
        zk.getChildren("/golden/persistent", true);
        dropAndReconnect(stdin, 1);

        // addWatch (106) in both modes, a write they observe, then drop #2 with persistent watches
        // registered: the reconnect sends SetWatches2.
        zk.addWatch("/golden/persistent", AddWatchMode.PERSISTENT);
        zk.addWatch("/golden", AddWatchMode.PERSISTENT_RECURSIVE);
        zk.setData("/golden/persistent", b("p-v2"), -1);
        dropAndReconnect(stdin, 2);
        zk.setData("/golden/persistent", b("p-v3"), -1);

        // checkWatches (17) via removeWatches(watcher), removeWatches (18) via removeAllWatches.
        Watcher own = (WatchedEvent event) -> say("INFO own watcher " + event.getType() + " " + event.getPath());
        zk.getData("/golden/persistent2", own, stat);
        zk.removeWatches("/golden/persistent2", own, Watcher.WatcherType.Data, false);
        zk.removeAllWatches("/golden/persistent", Watcher.WatcherType.Any, false);
        zk.removeAllWatches("/golden", Watcher.WatcherType.Any, false);
        expectFailure("removeAllWatches without watches", () -> zk.removeAllWatches("/golden/nulldata", Watcher.WatcherType.Any, false));

        // The 3.6+ reads, whoAmI (3.8), sync and getConfig.
        List<String> ephemerals = zk.getEphemerals();
        List<String> prefixed = zk.getEphemerals("/golden/eseq-");
        say("INFO ephemerals " + ephemerals.size() + " prefixed " + prefixed.size());
        say("INFO all children " + zk.getAllChildrenNumber("/golden"));
        List<ClientInfo> me = zk.whoAmI();
        say("INFO whoAmI " + new ArrayList<>(me));
        CountDownLatch synced = new CountDownLatch(1);
        zk.sync("/golden", (rc, path, ctx) -> synced.countDown(), null);
        if (!synced.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("sync did not complete");
        byte[] config = zk.getConfig(false, stat);
        say("INFO config bytes " + (config == null ? -1 : config.length));

        zk.close();
        say("DONE");
    }
}
