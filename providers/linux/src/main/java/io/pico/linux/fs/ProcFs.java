package io.pico.linux.fs;

import io.pico.api.AddressSpace;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.HostIds;
import io.pico.linux.LinuxProcess;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.Overlay;
import io.pico.posix.core.fs.StatInfo;
import io.pico.linux.Uname;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The synthetic parts of the Linux personality's file system, as the core's {@link Overlay} that its
 * {@link GuestFs} asks before the host: {@code /proc} with per-process directories of the Linux processes of the
 * kernel, built from provider and kernel state (never the host's {@code /proc}, which describes the JVM), a few
 * system-wide files, and the links {@code /dev/stdin}, {@code /dev/stdout}, {@code /dev/stderr} and
 * {@code /dev/fd}.
 */
public final class ProcFs implements Overlay {

    private static Node dir(List<String> children) {
        return new Node(Kind.DIR, null, children, null);
    }

    private static Node linkTo(String target) {
        return new Node(Kind.LINK, target, null, null);
    }

    private static Node file(String text) {
        return new Node(Kind.FILE, null, null, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Node file(byte[] bytes) {
        return new Node(Kind.FILE, null, null, bytes);
    }

    private static final List<String> TOP = List.of("self", "thread-self", "meminfo", "cpuinfo", "uptime", "loadavg",
            "version", "filesystems", "mounts", "stat", "sys");
    private static final List<String> PER_PROCESS = List.of("exe", "cwd", "root", "fd", "cmdline", "environ", "comm",
            "maps", "stat", "status", "statm", "mounts");
    private static final Instant BOOT = Instant.now();

    private final Kernel kernel;
    private final PicoProcess self;

    /** The /proc seen by {@code self}. */
    public ProcFs(Kernel kernel, PicoProcess self) {
        this.kernel = kernel;
        this.self = self;
    }

    /** The /proc a forked child sees. */
    public ProcFs of(PicoProcess child) {
        return new ProcFs(kernel, child);
    }

    /** Everything under {@code /proc} is synthetic. */
    @Override
    public boolean covers(List<String> parts) {
        return !parts.isEmpty() && parts.get(0).equals("proc");
    }

    /** The links made up here: {@code /proc}'s and {@code /dev/stdin}, {@code stdout}, {@code stderr}, {@code fd}. */
    @Override
    public String link(List<String> parts) {
        if (parts.isEmpty()) {
            return null;
        }
        if (parts.get(0).equals("proc")) {
            return link("/" + String.join("/", parts));
        }
        if (parts.size() == 2 && parts.get(0).equals("dev")) {
            return switch (parts.get(1)) {
                case "stdin" -> "/proc/self/fd/0";
                case "stdout" -> "/proc/self/fd/1";
                case "stderr" -> "/proc/self/fd/2";
                case "fd" -> "/proc/self/fd";
                default -> null; // a host device or file under the root
            };
        }
        return null;
    }

    /** The target of a link, for path resolution; null when the path is no link. */
    public String link(String guest) {
        String[] p = guest.substring(1).split("/");
        boolean candidate = p.length == 2 && (p[1].equals("self") || p[1].equals("thread-self"))
                || p.length == 3 && (p[2].equals("exe") || p[2].equals("cwd") || p[2].equals("root"))
                || p.length == 4 && p[2].equals("fd");
        if (!candidate) {
            return null;
        }
        Node n = lookup(guest);
        return n != null && n.kind() == Kind.LINK ? n.target() : null;
    }

    /** The node at a canonical guest path under /proc, or null when it does not exist. */
    @Override
    public Node lookup(String guest) {
        String[] p = guest.substring(1).split("/");
        if (p.length == 1) {
            List<String> children = new ArrayList<>(TOP);
            for (PicoProcess q : kernel.processes()) {
                if (q.providerState() instanceof LinuxProcess && q.exitStatus().isEmpty()) {
                    children.add(String.valueOf(q.pid()));
                }
            }
            return dir(children);
        }
        switch (p[1]) {
            case "self" -> {
                return p.length == 2 ? linkTo(String.valueOf(self.pid())) : null;
            }
            case "thread-self" -> {
                return p.length == 2 ? linkTo(self.pid() + "/task/" + self.pid()) : null;
            }
            case "sys" -> {
                return sys(p);
            }
            default -> {
                if (p.length == 2 && !p[1].chars().allMatch(Character::isDigit)) {
                    return system(p[1]);
                }
            }
        }
        LinuxProcess lp = linux(p[1]);
        return lp == null ? null : perProcess(lp, p);
    }

    private LinuxProcess linux(String pid) {
        if (pid.isEmpty() || pid.length() > 9 || !pid.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return kernel.process(Integer.parseInt(pid)).map(PicoProcess::providerState)
                .filter(s -> s instanceof LinuxProcess).map(s -> (LinuxProcess) s).orElse(null);
    }

    private Node sys(String[] p) {
        if (p.length == 2) {
            return dir(List.of("kernel"));
        }
        if (!p[2].equals("kernel")) {
            return null;
        }
        if (p.length == 3) {
            return dir(List.of("hostname", "osrelease", "ostype", "version", "pid_max", "ngroups_max"));
        }
        if (p.length > 4) {
            return null;
        }
        return switch (p[3]) {
            case "hostname" -> file(Uname.nodename() + "\n");
            case "osrelease" -> file(Uname.RELEASE + "\n");
            case "ostype" -> file(Uname.SYSNAME + "\n");
            case "version" -> file(Uname.VERSION + "\n");
            case "pid_max" -> file("4194304\n");
            case "ngroups_max" -> file("65536\n");
            default -> null;
        };
    }

    private Node system(String name) {
        return switch (name) {
            case "meminfo", "uptime", "loadavg", "stat" -> file(host("/proc/" + name));
            case "cpuinfo" -> file(cpuinfo());
            case "version" -> file(Uname.SYSNAME + " version " + Uname.RELEASE + " (pico) " + Uname.VERSION
                    + "\n");
            case "filesystems" -> file("nodev\tproc\n\text4\n");
            case "mounts" -> file(mounts());
            default -> null;
        };
    }

    private static String mounts() {
        return "/dev/root / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n";
    }

    private static byte[] host(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return new byte[0];
        }
    }

    private static String cpuinfo() {
        StringBuilder sb = new StringBuilder();
        int n = Math.max(1, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < n; i++) {
            sb.append("processor\t: ").append(i).append('\n')
                    .append("vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 60\n")
                    .append("model name\t: pico emulated x86-64 CPU (unicorn)\nstepping\t: 4\ncpu MHz\t\t: 1000.000\n")
                    .append("cache size\t: 512 KB\nphysical id\t: 0\nsiblings\t: ").append(n)
                    .append("\ncore id\t\t: ").append(i).append("\ncpu cores\t: ").append(n)
                    .append("\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\n")
                    // the CPUID bits the engine reports (leaves 1, 7 and 0x80000001), measured
                    .append("flags\t\t: fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush ")
                    .append("mmx fxsr sse sse2 syscall nx rdtscp lm pni pclmulqdq ssse3 cx16 sse4_1 sse4_2 movbe ")
                    .append("popcnt aes xsave rdrand hypervisor lahf_lm abm fsgsbase bmi1 smep bmi2 erms\n")
                    .append("bogomips\t: 2000.00\nclflush size\t: 64\ncache_alignment\t: 64\n")
                    .append("address sizes\t: 40 bits physical, 48 bits virtual\n\n");
        }
        return sb.toString();
    }

    private Node perProcess(LinuxProcess lp, String[] p) {
        PicoProcess q = lp.process();
        if (p.length == 2) {
            return dir(PER_PROCESS);
        }
        if (p[2].equals("fd")) {
            Map<Integer, FdTable.Fd> fds = lp.fds().all();
            if (p.length == 3) {
                return dir(fds.keySet().stream().map(String::valueOf).toList());
            }
            if (p.length == 4 && p[3].chars().allMatch(Character::isDigit) && p[3].length() < 6) {
                FdTable.Fd fd = fds.get(Integer.parseInt(p[3]));
                return fd == null ? null : linkTo(describe(fd.file()));
            }
            return null;
        }
        if (p.length > 3) {
            return null;
        }
        return switch (p[2]) {
            case "exe" -> linkTo(lp.exe());
            case "cwd" -> linkTo(lp.cwd());
            case "root" -> linkTo("/");
            case "cmdline" -> file(nulJoined(lp.argv()));
            case "environ" -> file(nulJoined(lp.env()));
            case "comm" -> file(lp.comm() + "\n");
            case "maps" -> file(maps(lp));
            case "stat" -> file(stat(lp));
            case "statm" -> {
                long pages = q.memory().mappedBytes() / AddressSpace.PAGE_SIZE;
                yield file(pages + " " + pages + " 0 0 0 " + pages + " 0\n");
            }
            case "status" -> file(status(lp));
            case "mounts" -> file(mounts());
            default -> null;
        };
    }

    /** What /proc/PID/fd/N points to: the path, or {@code pipe:[N]}, or the terminal. */
    public static String describe(OpenFile f) {
        if (f.guestPath() != null) {
            return f.guestPath();
        }
        if (f.special() != null) {
            return "anon_inode:[" + f.special().kind() + "]";
        }
        IoObject io = f.io();
        if (io == null) {
            return "anon_inode:[unknown]";
        }
        return switch (io.kind()) {
            case "tty" -> "/dev/pts/0";
            case "pipe" -> "pipe:[" + System.identityHashCode(io) + "]";
            default -> "pipe:[" + System.identityHashCode(io) + "]";
        };
    }

    private static byte[] nulJoined(List<String> parts) {
        StringBuilder sb = new StringBuilder();
        for (String s : parts) {
            sb.append(s).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String maps(LinuxProcess lp) {
        StringBuilder sb = new StringBuilder();
        long brkStart = lp.brkStart();
        long brkEnd = (lp.brk() + 4095) & -4096L;
        long start = -1;
        long end = -1;
        int prot = -1;
        String name = null;
        for (AddressSpace.Region r : lp.process().memory().regions()) {
            String n = r.name() == null ? "" : r.name();
            if (n.isEmpty()) {
                for (LinuxProcess.Named named : lp.named()) {
                    if (r.start() >= named.start() && r.end() <= named.end()) {
                        n = named.name();
                    }
                }
            }
            if (n.isEmpty() && r.start() >= brkStart && r.end() <= brkEnd) {
                n = "[heap]";
            } else if (n.isEmpty() && r.end() == 0x7fff_ffff_f000L) {
                n = "[stack]";
            }
            if (r.start() == end && r.protection() == prot && n.equals(name)) {
                end = r.end();
                continue;
            }
            if (start >= 0) {
                mapsLine(sb, start, end, prot, name);
            }
            start = r.start();
            end = r.end();
            prot = r.protection();
            name = n;
        }
        if (start >= 0) {
            mapsLine(sb, start, end, prot, name);
        }
        return sb.toString();
    }

    private static void mapsLine(StringBuilder sb, long start, long end, int prot, String name) {
        String line = String.format("%08x-%08x %c%c%cp %08x 00:00 0", start, end,
                (prot & AddressSpace.READ) != 0 ? 'r' : '-', (prot & AddressSpace.WRITE) != 0 ? 'w' : '-',
                (prot & AddressSpace.EXEC) != 0 ? 'x' : '-', 0);
        sb.append(line);
        if (!name.isEmpty()) {
            sb.append(" ".repeat(Math.max(1, 73 - line.length()))).append(name);
        }
        sb.append('\n');
    }

    private static String stat(LinuxProcess lp) {
        PicoProcess q = lp.process();
        long vsize = q.memory().mappedBytes();
        return q.pid() + " (" + lp.comm() + ") R " + q.parentPid() + " " + lp.pgid() + " " + lp.sid()
                + " 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 " + Math.max(1, q.threads().size()) + " 0 0 " + vsize + " "
                + vsize / 4096 + " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    }

    private static String status(LinuxProcess lp) {
        PicoProcess q = lp.process();
        long kb = q.memory().mappedBytes() / 1024;
        int[] u = HostIds.uids();
        int[] g = HostIds.gids();
        StringBuilder groups = new StringBuilder();
        for (int gid : HostIds.groups()) {
            groups.append(gid).append(' ');
        }
        return "Name:\t" + lp.comm() + "\nUmask:\t" + String.format("%04o", lp.umask()) + "\nState:\tR (running)\n"
                + "Tgid:\t" + q.pid() + "\nNgid:\t0\nPid:\t" + q.pid() + "\nPPid:\t" + q.parentPid()
                + "\nTracerPid:\t0\nUid:\t" + u[0] + "\t" + u[1] + "\t" + u[2] + "\t" + u[3] + "\nGid:\t" + g[0] + "\t"
                + g[1] + "\t" + g[2] + "\t" + g[3] + "\nFDSize:\t" + 256 + "\nGroups:\t"
                + groups.toString().trim() + "\nVmPeak:\t" + kb + " kB\nVmSize:\t" + kb + " kB\nVmRSS:\t" + kb
                + " kB\nThreads:\t" + Math.max(1, q.threads().size()) + "\nSigQ:\t0/63325\n";
    }

    /** The stat of a node: size 0 and the boot time, as Linux's /proc reports them. */
    @Override
    public StatInfo stat(String guest, Node n) {
        int mode = switch (n.kind()) {
            case DIR -> StatInfo.S_IFDIR | 0555;
            case LINK -> StatInfo.S_IFLNK | 0777;
            case FILE -> StatInfo.S_IFREG | 0444;
        };
        return StatInfo.synthetic(mode, 0x1000 + (guest.hashCode() & 0xfffffffL), 0, 0, HostIds.uid(), HostIds.gid(),
                BOOT);
    }
}
