package io.pico.posix.sys;

import io.pico.posix.FreeBsdAbi;
import io.pico.posix.Loader;
import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.sys.SyscallTable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The sysctl tree as far as libc, rtld and common programs read it: kern (ostype, osrelease, osreldate,
 * arandom, proc.pathname ...), hw (machine, ncpu, pagesize, physmem ...), vm and user nodes, and the name
 * lookup nodes {0,3} (name2oid) and {0,4} (oidfmt) that sysctlbyname uses. Every node is read-only.
 */
final class SysctlCalls {

    /** FreeBSD's release as kern.osrelease reports it. */
    static final String OSRELEASE = "12.3-RELEASE";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long BOOT = Instant.now().getEpochSecond() - 60;
    private static final int CTLTYPE_INT = 2;
    private static final int CTLTYPE_STRING = 3;
    private static final int CTLTYPE_OPAQUE = 5;
    private static final int CTLTYPE_LONG = 7;

    /** A node: its name, OID, kind and format for oidfmt, and its value for the calling process. */
    private record Node(String name, int[] oid, int kind, String format, Function<Call, byte[]> value) {
    }

    private static final List<Node> NODES = new ArrayList<>();

    static {
        string("kern.ostype", new int[] {1, 1}, c -> "FreeBSD");
        string("kern.osrelease", new int[] {1, 2}, c -> OSRELEASE);
        integer("kern.osrevision", new int[] {1, 3}, c -> 199506);
        string("kern.version", new int[] {1, 4}, c -> "FreeBSD " + OSRELEASE + " pico\n");
        integer("kern.maxproc", new int[] {1, 6}, c -> 6000);
        integer("kern.maxfiles", new int[] {1, 7}, c -> 65536);
        integer("kern.argmax", new int[] {1, 8}, c -> 262144);
        string("kern.hostname", new int[] {1, 10}, c -> hostname());
        longValue("kern.hostid", new int[] {1, 11}, c -> 0x7069636fL);
        add("kern.clockrate", new int[] {1, 12}, CTLTYPE_OPAQUE, "S,clockinfo",
                c -> ints(100, 10000, 0, 128, 128));
        integer("kern.ngroups", new int[] {1, 18}, c -> 1023);
        integer("kern.job_control", new int[] {1, 19}, c -> 1);
        integer("kern.saved_ids", new int[] {1, 20}, c -> 0);
        add("kern.boottime", new int[] {1, 21}, CTLTYPE_OPAQUE, "S,timeval", c -> longs(BOOT, 0));
        integer("kern.osreldate", new int[] {1, 24}, c -> Loader.OSRELDATE);
        longValue("kern.usrstack", new int[] {1, 33}, c -> FreeBsdAbi.USRSTACK);
        integer("kern.logsigexit", new int[] {1, 34}, c -> 0);
        integer("kern.iov_max", new int[] {1, 35}, c -> 1024);
        string("kern.hostuuid", new int[] {1, 36}, c -> "00000000-0000-0000-0000-00007069636f");
        add("kern.arandom", new int[] {1, 37}, CTLTYPE_OPAQUE, "", c -> null);
        longValue("kern.maxphys", new int[] {1, 38}, c -> 1L << 20);
        add("kern.proc.pathname", new int[] {1, 14, 12}, CTLTYPE_STRING, "A",
                c -> (c.state().exe() + "\0").getBytes(StandardCharsets.UTF_8));
        integer("kern.smp.cpus", new int[] {1, 0x100}, c -> Runtime.getRuntime().availableProcessors());
        integer("kern.smp.maxcpus", new int[] {1, 0x101}, c -> 256);
        integer("kern.sched.cpusetsize", new int[] {1, 0x102}, c -> 32);
        integer("kern.fscale", new int[] {1, 0x103}, c -> 2048);
        integer("kern.geom.debugflags", new int[] {1, 0x104}, c -> 0);
        integer("vm.overcommit", new int[] {2, 12}, c -> 0);
        integer("vm.pmap.pg_ps_enabled", new int[] {2, 0x101}, c -> 1);
        string("hw.machine", new int[] {6, 1}, c -> "amd64");
        string("hw.model", new int[] {6, 2}, c -> "pico x86-64 (unicorn)");
        integer("hw.ncpu", new int[] {6, 3}, c -> Runtime.getRuntime().availableProcessors());
        integer("hw.byteorder", new int[] {6, 4}, c -> 1234);
        longValue("hw.physmem", new int[] {6, 5}, c -> memory());
        longValue("hw.usermem", new int[] {6, 6}, c -> memory());
        integer("hw.pagesize", new int[] {6, 7}, c -> 4096);
        integer("hw.floatingpoint", new int[] {6, 10}, c -> 1);
        string("hw.machine_arch", new int[] {6, 11}, c -> "amd64");
        longValue("hw.realmem", new int[] {6, 12}, c -> memory());
        add("hw.pagesizes", new int[] {6, 0x100}, CTLTYPE_LONG, "LU", c -> longs(Loader.PAGE_SIZES));
        string("user.cs_path", new int[] {8, 1}, c -> "/usr/bin:/bin:/usr/sbin:/sbin");
        integer("user.posix2_version", new int[] {8, 17}, c -> 199212);
        integer("user.tzname_max", new int[] {8, 20}, c -> 255);
    }

    private SysctlCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(202, "pdpppu", SysctlCalls::sysctl, "the nodes libc and rtld read (kern, hw, vm, user), "
                + "name2oid and oidfmt; read-only");
        t.partial(570, "sdpppu", SysctlCalls::sysctlbyname, "the same nodes by name; read-only");
    }

    private static void add(String name, int[] oid, int kind, String fmt, Function<Call, byte[]> value) {
        NODES.add(new Node(name, oid, kind, fmt, value));
    }

    private static void string(String name, int[] oid, Function<Call, String> v) {
        add(name, oid, CTLTYPE_STRING, "A", c -> (v.apply(c) + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static void integer(String name, int[] oid, Function<Call, Integer> v) {
        add(name, oid, CTLTYPE_INT, "I", c -> ints(v.apply(c)));
    }

    private static void longValue(String name, int[] oid, Function<Call, Long> v) {
        add(name, oid, CTLTYPE_LONG, "LU", c -> longs(v.apply(c)));
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    private static long memory() {
        try {
            Object bean = ManagementFactory.getOperatingSystemMXBean();
            return (Long) bean.getClass().getMethod("getTotalMemorySize").invoke(bean);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 4L << 30;
        }
    }

    /** Implements FreeBSD __sysctl(2). */
    private static long sysctl(Call c) {
        int len = c.intArg(1);
        if (len < 2 || len > 24) {
            throw Errno.EINVAL.error();
        }
        int[] oid = new int[len];
        for (int i = 0; i < len; i++) {
            oid[i] = c.mem().getInt(c.arg(0) + 4L * i);
        }
        if (oid[0] == 0) {
            return meta(c, oid);
        }
        for (Node n : NODES) {
            if (Arrays.equals(n.oid(), oid)) {
                return read(c, n, c.arg(2), c.arg(3));
            }
            if (n.name().equals("kern.proc.pathname") && len == 4 && Arrays.equals(n.oid(), Arrays.copyOf(oid, 3))) {
                if (oid[3] != -1 && oid[3] != c.process().pid()) {
                    throw Errno.ESRCH.error();
                }
                return read(c, n, c.arg(2), c.arg(3));
            }
        }
        if (c.state().firstUnknown(0x1_0000_0000L + (Arrays.hashCode(oid) & 0xffff_ffffL))) {
            c.log("unknown sysctl " + Arrays.toString(oid));
        }
        throw Errno.ENOENT.error();
    }

    /** Implements FreeBSD __sysctlbyname(2). */
    private static long sysctlbyname(Call c) {
        String name = new String(c.read(c.arg(0), (int) Math.min(c.arg(1), 1024)), StandardCharsets.UTF_8);
        int nul = name.indexOf('\0');
        if (nul >= 0) {
            name = name.substring(0, nul);
        }
        for (Node n : NODES) {
            if (n.name().equals(name)) {
                return read(c, n, c.arg(2), c.arg(3));
            }
        }
        if (c.state().firstUnknown(0x1_0000_0000L + (name.hashCode() & 0xffff_ffffL))) {
            c.log("unknown sysctl " + name);
        }
        throw Errno.ENOENT.error();
    }

    /** Copies a node's value out as sysctl does: the length alone, all of it, or ENOMEM when it does not fit. */
    private static long read(Call c, Node n, long old, long oldlenp) {
        if (c.arg(4) != 0) {
            throw Errno.EPERM.error();
        }
        byte[] v;
        if (n.name().equals("kern.arandom")) {
            int want = oldlenp == 0 ? 0 : (int) Math.min(256, c.mem().getLong(oldlenp));
            v = new byte[want];
            RANDOM.nextBytes(v);
        } else {
            v = n.value().apply(c);
        }
        return copyOut(c, v, old, oldlenp);
    }

    private static long copyOut(Call c, byte[] v, long old, long oldlenp) {
        if (oldlenp == 0) {
            return 0;
        }
        if (old == 0) {
            c.mem().putLong(oldlenp, v.length);
            return 0;
        }
        long room = c.mem().getLong(oldlenp);
        int n = (int) Math.min(room, v.length);
        c.write(old, Arrays.copyOf(v, n));
        c.mem().putLong(oldlenp, n);
        if (n < v.length) {
            throw Errno.ENOMEM.error();
        }
        return 0;
    }

    /** The sysctl meta nodes: {0,1,oid} name, {0,3} name2oid, {0,4,oid} oidfmt. */
    private static long meta(Call c, int[] oid) {
        switch (oid[1]) {
            case 3 -> {
                String name = new String(c.read(c.arg(4), (int) Math.min(c.arg(5), 1024)), StandardCharsets.UTF_8);
                int nul = name.indexOf('\0');
                if (nul >= 0) {
                    name = name.substring(0, nul);
                }
                for (Node n : NODES) {
                    if (n.name().equals(name)) {
                        return copyOut(c, ints(n.oid()), c.arg(2), c.arg(3));
                    }
                }
                if (c.state().firstUnknown(0x1_0000_0000L + (name.hashCode() & 0xffff_ffffL))) {
                    c.log("unknown sysctl " + name);
                }
                throw Errno.ENOENT.error();
            }
            case 1, 4 -> {
                int[] target = Arrays.copyOfRange(oid, 2, oid.length);
                for (Node n : NODES) {
                    if (Arrays.equals(n.oid(), target)) {
                        byte[] v = oid[1] == 1 ? (n.name() + "\0").getBytes(StandardCharsets.UTF_8)
                                : ByteBuffer.allocate(4 + n.format().length() + 1).order(ByteOrder.LITTLE_ENDIAN)
                                        .putInt(n.kind() | 0x80000000).put(n.format().getBytes(StandardCharsets.UTF_8))
                                        .array();
                        return copyOut(c, v, c.arg(2), c.arg(3));
                    }
                }
                throw Errno.ENOENT.error();
            }
            default -> throw Errno.ENOENT.error();
        }
    }
}
