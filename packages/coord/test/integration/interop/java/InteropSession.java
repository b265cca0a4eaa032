import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * Drives the official ZooKeeper Java client through the parts of the protocol zkCli.sh cannot
 * reach (multi with per-op results, create2 with its Stat, containers and TTL nodes being swept,
 * persistent watches and their removal, ephemerals of another session) and prints a transcript in
 * which nothing depends on the server instance: zxids become Z1, Z2... in order of first
 * appearance, session ids become "self"/"other", times are left out. interop-zkcli.test.ts runs it
 * against coord and against Apache ZooKeeper and requires the two transcripts to be equal.
 *
 * Usage: java InteropSession host:port. Expects a fresh server whose container/TTL sweeper runs
 * often (znode.container.checkIntervalMs of about 100 ms). Prints "DONE" last; exits non-zero if a
 * step did not happen within its deadline.
 */
public final class InteropSession {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final long WAIT_SECONDS = 20;
    private static final List<ACL> OPEN = Ids.OPEN_ACL_UNSAFE;
    private static final Map<Long, String> ZXIDS = new HashMap<>();
    private static long selfSession;
    private static long otherSession;

    private InteropSession() {}

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] data) {
        return data == null ? "null" : "'" + new String(data, StandardCharsets.UTF_8) + "'";
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static String zxid(long value) {
        if (value == 0) return "0";
        String known = ZXIDS.get(value);
        if (known != null) return known;
        String label = "Z" + (ZXIDS.size() + 1);
        ZXIDS.put(value, label);
        return label;
    }

    private static String owner(long value) {
        if (value == 0) return "0";
        if (value == selfSession) return "self";
        if (value == otherSession) return "other";
        // TTL and container nodes carry a marker, not a session: print it as is.
        return String.format("0x%016x", value);
    }

    private static String stat(Stat s) {
        if (s == null) return "stat=null";
        return "czxid=" + zxid(s.getCzxid()) + " mzxid=" + zxid(s.getMzxid()) + " pzxid=" + zxid(s.getPzxid())
            + " version=" + s.getVersion() + " cversion=" + s.getCversion() + " aversion=" + s.getAversion()
            + " owner=" + owner(s.getEphemeralOwner()) + " dataLength=" + s.getDataLength()
            + " numChildren=" + s.getNumChildren() + " ctimeSet=" + (s.getCtime() > 0) + " mtimeSet=" + (s.getMtime() > 0);
    }

    private static String result(OpResult r) {
        if (r instanceof OpResult.CreateResult) {
            OpResult.CreateResult c = (OpResult.CreateResult) r;
            return "create path=" + c.getPath() + " " + stat(c.getStat());
        }
        if (r instanceof OpResult.SetDataResult) return "setData " + stat(((OpResult.SetDataResult) r).getStat());
        if (r instanceof OpResult.DeleteResult) return "delete";
        if (r instanceof OpResult.CheckResult) return "check";
        if (r instanceof OpResult.GetDataResult) {
            OpResult.GetDataResult g = (OpResult.GetDataResult) r;
            return "getData data=" + text(g.getData()) + " " + stat(g.getStat());
        }
        if (r instanceof OpResult.GetChildrenResult) {
            List<String> children = new ArrayList<>(((OpResult.GetChildrenResult) r).getChildren());
            Collections.sort(children);
            return "getChildren " + children;
        }
        if (r instanceof OpResult.ErrorResult) {
            int err = ((OpResult.ErrorResult) r).getErr();
            return "error " + err + " " + KeeperException.Code.get(err);
        }
        return "unknown " + r.getType();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs a step that may fail with a KeeperException and prints how it ended. */
    private static void attempt(String what, Step step) throws Exception {
        try {
            step.run();
        } catch (KeeperException e) {
            say(what + " -> " + e.code() + (e.getPath() == null ? "" : " path=" + e.getPath()));
        }
    }

    private static void multi(String what, List<Op> ops, ZooKeeper zk) throws InterruptedException {
        try {
            List<OpResult> results = zk.multi(ops);
            say(what + " -> OK (" + results.size() + " results)");
            for (OpResult r : results) say("  " + result(r));
        } catch (KeeperException e) {
            say(what + " -> " + e.code());
            List<OpResult> results = e.getResults();
            if (results == null) {
                say("  results=null");
                return;
            }
            for (OpResult r : results) say("  " + result(r));
        }
    }

    /** A watcher that queues "Type path" for the main thread to print in a fixed order. */
    private static final class Recorder implements Watcher {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() != EventType.None) events.add(event.getType() + " " + event.getPath());
        }

        String take(String what) throws InterruptedException {
            String event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (event == null) throw new IllegalStateException("timed out waiting for " + what);
            return event;
        }

        /** Prints the next n events; fails if they do not arrive in time. */
        void expect(String label, int n) throws InterruptedException {
            for (int i = 0; i < n; i++) say("  " + label + ": " + take(label + " event " + (i + 1) + " of " + n));
        }

        /** Whatever arrived that nobody asked for (call only after a later event was seen). */
        List<String> leftover() {
            List<String> rest = new ArrayList<>();
            events.drainTo(rest);
            return rest;
        }
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, (WatchedEvent e) -> {
            if (e.getType() == EventType.None) states.add(e.getState());
        });
        for (;;) {
            KeeperState state = states.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (state == null) throw new IllegalStateException("could not connect to " + connectString);
            if (state == KeeperState.SyncConnected) return zk;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: InteropSession host:port");
        ZooKeeper zk = connect(args[0]);
        selfSession = zk.getSessionId();
        Stat stat = new Stat();

        say("## create2 (every mode returns its Stat)");
        zk.create("/ij", b("root"), OPEN, CreateMode.PERSISTENT);
        String[][] modes = {
            {"PERSISTENT", "/ij/p"}, {"EPHEMERAL", "/ij/e"}, {"PERSISTENT_SEQUENTIAL", "/ij/ps-"},
            {"EPHEMERAL_SEQUENTIAL", "/ij/es-"}, {"CONTAINER", "/ij/c"},
            {"PERSISTENT_WITH_TTL", "/ij/t"}, {"PERSISTENT_SEQUENTIAL_WITH_TTL", "/ij/ts-"},
        };
        for (String[] m : modes) {
            CreateMode mode = CreateMode.valueOf(m[0]);
            Stat s = new Stat();
            String path = mode.isTTL()
                ? zk.create(m[1], b(m[0]), OPEN, mode, s, 600_000L)
                : zk.create(m[1], b(m[0]), OPEN, mode, s);
            say("create2 " + m[0] + " " + m[1] + " -> " + path + " " + stat(s));
        }
        say("parent " + stat(zk.exists("/ij", false)));
        attempt("create2 existing", () -> zk.create("/ij/p", b("x"), OPEN, CreateMode.PERSISTENT, new Stat()));
        attempt("create2 without parent", () -> zk.create("/ij/none/x", b("x"), OPEN, CreateMode.PERSISTENT, new Stat()));
        attempt("create2 under ephemeral", () -> zk.create("/ij/e/x", b("x"), OPEN, CreateMode.PERSISTENT, new Stat()));
        attempt("container under ephemeral", () -> zk.create("/ij/e/c", b("x"), OPEN, CreateMode.CONTAINER, new Stat()));
        attempt("ttl under ephemeral", () -> zk.create("/ij/e/t", b("x"), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 1000L));
        attempt("create2 empty ACL", () -> zk.create("/ij/noacl", b("x"), new ArrayList<>(), CreateMode.PERSISTENT, new Stat()));
        say("getData /ij/t " + text(zk.getData("/ij/t", false, stat)) + " " + stat(stat));
        say("getData /ij/c " + text(zk.getData("/ij/c", false, stat)) + " " + stat(stat));

        say("## multi");
        zk.create("/ij/m", null, OPEN, CreateMode.PERSISTENT);
        multi("multi ok", Arrays.asList(
            Op.create("/ij/m/a", b("a0"), OPEN, CreateMode.PERSISTENT),
            Op.create("/ij/m/s-", b("s"), OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
            Op.create("/ij/m/c", b("c"), OPEN, CreateMode.CONTAINER),
            Op.create("/ij/m/t", b("t"), OPEN, CreateMode.PERSISTENT_WITH_TTL, 600_000L),
            Op.setData("/ij/m/a", b("a1"), 0),
            Op.check("/ij/m/a", 1),
            Op.create("/ij/m/gone", b("g"), OPEN, CreateMode.PERSISTENT),
            Op.delete("/ij/m/gone", 0)), zk);
        say("after multi ok: /ij/m/a " + text(zk.getData("/ij/m/a", false, stat)) + " " + stat(stat));
        say("after multi ok: /ij/m " + stat(zk.exists("/ij/m", false)));
        multi("multi failing check", Arrays.asList(
            Op.create("/ij/m/b", b("b"), OPEN, CreateMode.PERSISTENT),
            Op.check("/ij/m/a", 99),
            Op.setData("/ij/m/a", b("never"), -1)), zk);
        say("after failed multi: /ij/m/b " + stat(zk.exists("/ij/m/b", false)) + "; /ij/m/a " + text(zk.getData("/ij/m/a", false, stat)));
        multi("multi failing first op", Arrays.asList(
            Op.delete("/ij/m/missing", -1),
            Op.create("/ij/m/b", b("b"), OPEN, CreateMode.PERSISTENT)), zk);
        multi("multi duplicate create", Arrays.asList(
            Op.create("/ij/m/d", b("d"), OPEN, CreateMode.PERSISTENT),
            Op.create("/ij/m/d", b("d"), OPEN, CreateMode.PERSISTENT)), zk);
        multi("multi bad version setData", Arrays.asList(
            Op.setData("/ij/m/a", b("x"), 7)), zk);
        multi("multi delete non-empty", Arrays.asList(
            Op.delete("/ij/m", -1)), zk);
        multi("multi create then child", Arrays.asList(
            Op.create("/ij/m/n", b("n"), OPEN, CreateMode.PERSISTENT),
            Op.create("/ij/m/n/1", b("1"), OPEN, CreateMode.PERSISTENT),
            Op.delete("/ij/m/n/1", -1)), zk);
        multi("multi empty", new ArrayList<>(), zk);
        multi("multiRead", Arrays.asList(
            Op.getData("/ij/m/a"),
            Op.getChildren("/ij/m"),
            Op.getData("/ij/m/missing"),
            Op.getChildren("/ij/m/missing")), zk);

        say("## persistent watches");
        zk.create("/ij/w", b("w0"), OPEN, CreateMode.PERSISTENT);
        zk.create("/ij/r", b("r0"), OPEN, CreateMode.PERSISTENT);
        Recorder exact = new Recorder();
        Recorder recursive = new Recorder();
        zk.addWatch("/ij/w", exact, AddWatchMode.PERSISTENT);
        zk.addWatch("/ij/r", recursive, AddWatchMode.PERSISTENT_RECURSIVE);
        zk.setData("/ij/w", b("w1"), -1);
        zk.setData("/ij/w", b("w2"), -1);
        zk.create("/ij/w/child", b("c"), OPEN, CreateMode.PERSISTENT);
        zk.setData("/ij/w/child", b("c1"), -1);
        zk.delete("/ij/w/child", -1);
        exact.expect("PERSISTENT /ij/w", 4);
        zk.create("/ij/r/a", b("a"), OPEN, CreateMode.PERSISTENT);
        zk.create("/ij/r/a/b", b("b"), OPEN, CreateMode.PERSISTENT);
        zk.setData("/ij/r/a/b", b("b1"), -1);
        zk.delete("/ij/r/a/b", -1);
        zk.setData("/ij/r", b("r1"), -1);
        recursive.expect("PERSISTENT_RECURSIVE /ij/r", 5);
        zk.removeWatches("/ij/w", exact, Watcher.WatcherType.Any, false);
        exact.expect("after removeWatches", 1);
        zk.setData("/ij/w", b("w3"), -1);
        zk.setData("/ij/r/a", b("sentinel"), -1);
        recursive.expect("sentinel", 1);
        say("  removed watch leftover: " + exact.leftover());
        attempt("removeWatches again", () -> zk.removeWatches("/ij/w", exact, Watcher.WatcherType.Any, false));
        zk.removeAllWatches("/ij/r", Watcher.WatcherType.Any, false);
        recursive.expect("after removeAllWatches", 1);

        say("## one-shot watches");
        Recorder oneShot = new Recorder();
        zk.getData("/ij/w", oneShot, stat);
        zk.exists("/ij/w/new", oneShot);
        zk.getChildren("/ij/w", oneShot);
        zk.setData("/ij/w", b("w4"), -1);
        zk.create("/ij/w/new", b("n"), OPEN, CreateMode.PERSISTENT);
        oneShot.expect("one-shot", 3);
        zk.setData("/ij/w", b("w5"), -1);
        zk.exists("/ij/w/new", oneShot);
        zk.delete("/ij/w/new", -1);
        oneShot.expect("re-armed exists", 1);
        say("  one-shot leftover: " + oneShot.leftover());

        say("## containers and TTL nodes (swept by the server)");
        // The TTL node with a child is created first, so it has expired by the time the short one
        // is swept: the sweep that removes the short one has passed over it and kept it.
        zk.create("/ij/ttl-parent", b("tp"), OPEN, CreateMode.PERSISTENT_WITH_TTL, stat, 300L);
        zk.create("/ij/ttl-parent/kid", b("k"), OPEN, CreateMode.PERSISTENT);
        zk.create("/ij/ttl-short", b("ts"), OPEN, CreateMode.PERSISTENT_WITH_TTL, stat, 300L);
        say("ttl-short " + stat(stat));
        Recorder ttlGone = new Recorder();
        zk.exists("/ij/ttl-short", ttlGone);
        zk.create("/ij/cont", b("c"), OPEN, CreateMode.CONTAINER, stat);
        zk.create("/ij/cont-unused", b("u"), OPEN, CreateMode.CONTAINER, stat);
        zk.create("/ij/cont/kid", b("k"), OPEN, CreateMode.PERSISTENT);
        Recorder containerGone = new Recorder();
        zk.exists("/ij/cont", containerGone);
        zk.delete("/ij/cont/kid", -1);
        say("  " + containerGone.take("container removal"));
        say("  " + ttlGone.take("TTL node removal"));
        say("unused container still there: " + (zk.exists("/ij/cont-unused", false) != null));
        say("TTL node with a child still there: " + (zk.exists("/ij/ttl-parent", false) != null));
        say("TTL node (600 s) still there: " + (zk.exists("/ij/t", false) != null));

        say("## another session's ephemerals");
        ZooKeeper other = connect(args[0]);
        otherSession = other.getSessionId();
        other.create("/ij/other-e", b("oe"), OPEN, CreateMode.EPHEMERAL);
        other.create("/ij/other-es-", b("oes"), OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
        List<String> otherEphemerals = new ArrayList<>(other.getEphemerals("/ij"));
        Collections.sort(otherEphemerals);
        say("other getEphemerals " + otherEphemerals);
        say("other-e " + stat(zk.exists("/ij/other-e", false)));
        attempt("child of another session's ephemeral", () -> zk.create("/ij/other-e/x", null, OPEN, CreateMode.PERSISTENT));
        Recorder gone = new Recorder();
        zk.exists("/ij/other-e", gone);
        zk.getChildren("/ij", gone);
        other.close();
        // The server removes a closed session's ephemerals in no particular order.
        List<String> closeEvents = new ArrayList<>(Arrays.asList(gone.take("close event 1"), gone.take("close event 2")));
        Collections.sort(closeEvents);
        say("  after other.close(): " + closeEvents);
        say("other-e after close " + stat(zk.exists("/ij/other-e", false)));
        List<String> mine = new ArrayList<>(zk.getEphemerals());
        Collections.sort(mine);
        say("own getEphemerals " + mine);
        List<String> children = new ArrayList<>(zk.getChildren("/ij", false));
        Collections.sort(children);
        say("children " + children);

        zk.close();
        say("DONE");
    }
}
