package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.SocketObject;
import io.pico.api.Support;
import io.pico.api.SwapReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Networking of the Linux personality with real programs, loopback only (issue 12): busybox httpd serving
 * a host client, busybox nc between pico and the host and between two pico processes, SCM_RIGHTS between
 * pico processes (C programs built here with musl-gcc), an epoll server with several clients at once, the
 * loopback policy refusing other addresses, and a hot-swap with a connection open.
 */
class NetProgramsTest {

    private static final String BUSYBOX = "/bin/busybox";
    private static final int TEN_MB = 10 << 20;
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "net-programs-test");
        t.setDaemon(true);
        return t;
    });

    /** The shell bundle's launcher; osgi-test injects raw service types only. */
    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    // --- running guests ----------------------------------------------------------------------------------

    /** A guest program running on the pool, with its outputs. */
    final class Guest implements AutoCloseable {
        final Future<Object> status;
        final OutputStream out;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
        final List<String> argv;

        Guest(InputStream stdin, OutputStream stdout, boolean strace, String... argv) {
            this.out = stdout;
            this.argv = List.of(argv);
            Map<String, Object> request = new HashMap<>();
            request.put("argv", Arrays.asList(argv));
            request.put("root", "/");
            request.put("strace", strace);
            request.put("cwd", dir.toString());
            request.put("env", Map.of("PATH", "/bin:/usr/bin", "HOME", "/"));
            request.put("signals", signals);
            request.put("stdin", stdin);
            request.put("stdout", stdout);
            request.put("stderr", err);
            @SuppressWarnings("unchecked")
            Function<Object, Object> service = launcher;
            status = POOL.submit(() -> service.apply(request));
        }

        /** The shell status, waiting at most the given seconds. */
        int await(long seconds) throws Exception {
            Object s = status.get(seconds, TimeUnit.SECONDS);
            assertTrue(s instanceof Integer, () -> "status " + s);
            return (Integer) s;
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            if (!status.isDone()) {
                signals.offer("KILL");
                try {
                    status.get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // reported by the test that failed
                }
            }
        }
    }

    private Guest start(String... argv) {
        return new Guest(InputStream.nullInputStream(), new ByteArrayOutputStream(), false, argv);
    }

    /** Standard input that stays open (without data) until released: nc ends when its input ends. */
    static final class OpenInput extends InputStream {
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            try {
                done.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public void close() {
            done.countDown();
        }
    }

    /** Counts and hashes what a guest writes. */
    static final class Digesting extends OutputStream {
        final MessageDigest sha = sha();
        long count;

        @Override
        public synchronized void write(int b) {
            sha.update((byte) b);
            count++;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            sha.update(b, off, len);
            count += len;
        }

        synchronized byte[] digest() {
            return sha.digest();
        }

        @Override
        public String toString() {
            return count + " bytes";
        }
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Waits until a guest whose command line holds {@code marker} has a listening socket among its handles. */
    private void awaitListening(String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (PicoProcess p : kernel.processes()) {
                if (p.exitStatus().isEmpty() && String.join(" ", p.command()).contains(marker)) {
                    for (IoObject o : p.handles().all().values()) {
                        if (o instanceof SocketObject s && s.listening()) {
                            return;
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no guest listening with '" + marker + "' in its command: " + kernel.processes());
    }

    private boolean linuxHas(String call) {
        return kernel.calls("linux").stream().anyMatch(c -> c.name().equals(call) && c.support() != Support.MISSING);
    }

    /** Builds a static musl program from C source in the temporary directory. */
    private Path musl(String name, String source) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/musl-gcc")), "musl-gcc is not installed (./setup)");
        Path src = dir.resolve(name + ".c");
        Files.writeString(src, source);
        Path exe = dir.resolve(name);
        Process cc = new ProcessBuilder("musl-gcc", "-static", "-O2", "-o", exe.toString(), src.toString(),
                "-lpthread").redirectErrorStream(true).start();
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, () -> "musl-gcc " + name + ": " + log);
        return exe;
    }

    // --- HTTP ----------------------------------------------------------------------------------------------

    /** One HTTP/1.0 GET: the status line and the body. */
    record Response(String status, byte[] body) {
    }

    static Response get(int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = s.getInputStream().readAllBytes();
            int end = -1;
            for (int i = 0; i + 3 < all.length; i++) {
                if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                throw new IOException("no HTTP header in " + all.length + " bytes");
            }
            String head = new String(all, 0, end, StandardCharsets.ISO_8859_1);
            return new Response(head.lines().findFirst().orElse(""), Arrays.copyOfRange(all, end + 4, all.length));
        }
    }

    /** Waits until a TCP port takes connections (for servers that accept many). */
    static void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing listens on 127.0.0.1:" + port, e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Requests a page {@code n} times from {@code threads} clients at once: errors and requests per second. */
    static double[] load(int port, int n, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(POOL.submit(() -> {
                while (next.getAndIncrement() < n) {
                    try {
                        Response r = get(port, "/index.html");
                        if (!r.status().contains(" 200 ") || r.body().length == 0) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get(600, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[] {errors.get(), n / seconds};
    }

    @Test
    void busyboxHttpdServesFilesByteForByteToTheHost() throws Exception {
        assumeTrue(linuxHas("fork"), "busybox httpd forks a child per connection: the Linux provider lacks fork");
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] data = random(1 << 20, 12);
        Files.write(www.resolve("data.bin"), data);
        Files.writeString(www.resolve("index.html"), "<h1>served by busybox httpd under pico</h1>\n");
        int port = freePort();
        int requests = Integer.getInteger("pico.test.http.requests", 1000);
        try (Guest httpd = start(BUSYBOX, "httpd", "-f", "-p", "127.0.0.1:" + port, "-h", www.toString())) {
            awaitPort(port);
            Response page = get(port, "/index.html");
            assertTrue(page.status().contains(" 200 "), page::status);
            assertEquals(Files.readString(www.resolve("index.html")), new String(page.body(), StandardCharsets.UTF_8));
            Response file = get(port, "/data.bin");
            assertTrue(file.status().contains(" 200 "), file::status);
            assertArrayEquals(data, file.body(), "byte for byte");
            assertTrue(get(port, "/missing").status().contains(" 404 "));
            // the host's curl fetches the same files byte for byte
            LinuxTestSupport.require("/usr/bin/curl");
            for (String name : List.of("data.bin", "index.html")) {
                Path fetched = dir.resolve("curl-" + name);
                Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "-f", "-o", fetched.toString(),
                        "http://127.0.0.1:" + port + "/" + name).redirectErrorStream(true).start();
                String said = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, curl.waitFor(), () -> "curl " + name + ": " + said);
                assertArrayEquals(Files.readAllBytes(www.resolve(name)), Files.readAllBytes(fetched), name);
            }
            double[] r = load(port, requests, 4);
            System.out.printf("busybox httpd under pico: %d requests (4 clients at once), %.0f errors, %.1f requests/s%n",
                    requests, r[0], r[1]);
            assertEquals(0, r[0], "failed requests");
            if (Files.isExecutable(Path.of("/usr/bin/qemu-x86_64"))) {
                int qport = freePort();
                Process qemu = new ProcessBuilder("/usr/bin/qemu-x86_64", BUSYBOX, "httpd", "-f", "-p",
                        "127.0.0.1:" + qport, "-h", www.toString()).redirectErrorStream(true).start();
                try {
                    awaitPort(qport);
                    int sample = Math.min(requests, 200);
                    double[] q = load(qport, sample, 4);
                    System.out.printf("the same httpd under qemu-x86_64: %d requests, %.0f errors, %.1f requests/s%n",
                            sample, q[0], q[1]);
                } finally {
                    qemu.destroyForcibly();
                }
            }
        }
    }

    // --- nc ------------------------------------------------------------------------------------------------

    @Test
    void ncServerUnderPicoReceivesTenMegabytesFromTheHost() throws Exception {
        int port = freePort();
        byte[] data = random(TEN_MB, 1);
        Digesting got = new Digesting();
        try (OpenInput stdin = new OpenInput();
                Guest nc = new Guest(stdin, got, false, BUSYBOX, "nc", "-l", "-p", String.valueOf(port))) {
            awaitListening("-p " + port);
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                assertEquals(0, nc.await(120), nc::err);
                assertEquals(-1, s.getInputStream().read(), "nc closes when its peer is done");
            }
        }
        assertEquals(TEN_MB, got.count);
        assertArrayEquals(sha().digest(data), got.digest());
    }

    @Test
    void ncClientUnderPicoSendsTenMegabytesToTheHostAndReadsTheAnswer() throws Exception {
        byte[] data = random(TEN_MB, 2);
        try (ServerSocket host = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Future<byte[]> received = POOL.submit(() -> {
                try (Socket s = host.accept()) {
                    MessageDigest sha = sha();
                    byte[] buf = new byte[65536];
                    int n;
                    long count = 0;
                    while ((n = s.getInputStream().read(buf)) > 0) {
                        sha.update(buf, 0, n);
                        count += n;
                    }
                    s.getOutputStream().write(("got " + count + " bytes\n").getBytes(StandardCharsets.UTF_8));
                    return sha.digest();
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Guest nc = new Guest(new ByteArrayInputStream(data), out, false, BUSYBOX, "nc", "127.0.0.1",
                    String.valueOf(host.getLocalPort()))) {
                assertEquals(0, nc.await(120), nc::err);
                assertEquals("got " + TEN_MB + " bytes\n", nc.out());
            }
            assertArrayEquals(sha().digest(data), received.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void ncClientAndServerBothUnderPicoExchangeTenMegabytes() throws Exception {
        int port = freePort();
        byte[] data = random(TEN_MB, 3);
        Digesting got = new Digesting();
        try (OpenInput stdin = new OpenInput();
                Guest server = new Guest(stdin, got, false, BUSYBOX, "nc", "-l", "-p", String.valueOf(port))) {
            awaitListening("-p " + port);
            try (Guest client = new Guest(new ByteArrayInputStream(data), new ByteArrayOutputStream(), false, BUSYBOX,
                    "nc", "127.0.0.1", String.valueOf(port))) {
                assertEquals(0, server.await(120), server::err);
                assertEquals(0, client.await(60), client::err);
            }
        }
        assertEquals(TEN_MB, got.count);
        assertArrayEquals(sha().digest(data), got.digest());
    }

    /** A second Linux provider: the same provider object behind another service, so that a swap hands state over. */
    static final class Relay implements Provider {
        final Provider inner;

        Relay(Provider inner) {
            this.inner = inner;
        }

        @Override
        public List<String> formats() {
            return inner.formats();
        }

        @Override
        public boolean claims(Image image) {
            return inner.claims(image);
        }

        @Override
        public boolean claimsByName(Image image) {
            return inner.claimsByName(image);
        }

        @Override
        public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
            inner.start(process, image, launch);
        }

        @Override
        public void systemCall(PicoThread thread) {
            inner.systemCall(thread);
        }

        @Override
        public void exception(PicoThread thread, CpuException exception) {
            inner.exception(thread, exception);
        }

        @Override
        public void signal(PicoProcess process, String signal) {
            inner.signal(process, signal);
        }

        @Override
        public List<CallInfo> calls() {
            return inner.calls();
        }

        @Override
        public int stateVersion() {
            return inner.stateVersion();
        }

        @Override
        public Map<String, Object> exportState(PicoProcess process) {
            return inner.exportState(process);
        }

        @Override
        public void importState(PicoProcess process, int version, Map<String, Object> state) {
            inner.importState(process, version, state);
        }

        @Override
        public void threadExited(PicoThread thread) {
            inner.threadExited(thread);
        }

        @Override
        public void processExited(PicoProcess process) {
            inner.processExited(process);
        }
    }

    @Test
    void aConnectionSurvivesAHotSwapOfTheLinuxPersonality() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
        ServiceReference<Provider> linux = context.getServiceReferences(Provider.class, "(pico.personality=linux)")
                .stream().max(Comparator.naturalOrder()).orElseThrow();
        Provider provider = context.getService(linux);
        int port = freePort();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ServiceRegistration<Provider> relay = null;
        try (OpenInput stdin = new OpenInput();
                Guest nc = new Guest(stdin, got, false, BUSYBOX, "nc", "-l", "-p", String.valueOf(port))) {
            awaitListening("-p " + port);
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("before the swap\n".getBytes(StandardCharsets.UTF_8));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!got.toString().contains("before") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                // the old provider writes the process's state (descriptors name kernel handles: the listening
                // and the connected socket), the new one reads it; the sockets stay in the kernel
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(Provider.PERSONALITY, "linux");
                props.put(Constants.SERVICE_RANKING, 1000);
                relay = context.registerService(Provider.class, new Relay(provider), props);
                SwapReport report = kernel.swap("linux", 10_000);
                assertEquals(1, report.processes(), report::toString);
                s.getOutputStream().write("after the swap\n".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                assertEquals(0, nc.await(60), nc::err);
            }
        } finally {
            if (relay != null) {
                relay.unregister();
            }
            context.ungetService(linux);
        }
        assertEquals("before the swap\nafter the swap\n", got.toString());
    }

    // --- C programs ----------------------------------------------------------------------------------------

    @Test
    void scmRightsPassAPipeEndOverASocketPair() throws Exception {
        Path scm = musl("scm", SCM_C);
        try (Guest g = start(scm.toString(), "pair")) {
            assertEquals(0, g.await(60), g::err);
            String out = g.out();
            assertTrue(out.contains("parent read: receiver got 'the pipe' with a new descriptor and wrote through it"),
                    out);
            if (linuxHas("fork")) {
                assertTrue(out.contains("child ok"), out);
            }
        }
    }

    @Test
    void scmRightsPassAFileBetweenTwoProcessesOverANamedSocket() throws Exception {
        Path scm = musl("scm", SCM_C);
        Path sock = dir.resolve("scm.sock");
        Path file = dir.resolve("secret.txt");
        Files.writeString(file, "content only the server reads\n");
        try (Guest server = start(scm.toString(), "server", sock.toString())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!server.out().contains("listening") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(sock), "bind made the socket file");
            try (Guest client = start(scm.toString(), "client", sock.toString(), file.toString())) {
                assertEquals(0, server.await(60), server::err);
                assertEquals(0, client.await(60), client::err);
                assertTrue(client.out().contains("client passed"), client::out);
            }
            String out = server.out();
            assertTrue(out.contains("peer pid known"), out);
            assertTrue(out.contains("server got 'a file' and read through the passed descriptor: content only the "
                    + "server reads"), out);
        }
    }

    /**
     * AF_UNIX beyond socketpair and SCM_RIGHTS: a guest connects to a host program's Unix socket under the guest
     * root (here the test's own server socket) and the two talk both ways; two pico processes exchange
     * datagrams over bound AF_UNIX datagram sockets, the answer going back to the sender's address.
     */
    @Test
    void unixSocketsReachAHostSocketAndCarryDatagramsBetweenPicoProcesses() throws Exception {
        Path unix = musl("unix", UNIX_C);
        Path hostSock = dir.resolve("host.sock");
        try (java.nio.channels.ServerSocketChannel host = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            host.bind(java.net.UnixDomainSocketAddress.of(hostSock));
            Future<String> served = POOL.submit(() -> {
                try (java.nio.channels.SocketChannel c = host.accept()) {
                    String got = new String(readAll(c), StandardCharsets.UTF_8);
                    c.write(java.nio.ByteBuffer.wrap(("host got: " + got).getBytes(StandardCharsets.UTF_8)));
                    return got;
                }
            });
            try (Guest g = start(unix.toString(), "connect", hostSock.toString())) {
                assertEquals(0, g.await(60), g::err);
                assertEquals("ping from pico\n", served.get(10, TimeUnit.SECONDS));
                assertEquals("reply: host got: ping from pico\n", g.out(), g::err);
            }
        }
        Path a = dir.resolve("a.dgram");
        Path b = dir.resolve("b.dgram");
        try (Guest receiver = start(unix.toString(), "dgram-recv", a.toString())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!receiver.out().contains("bound") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            try (Guest sender = start(unix.toString(), "dgram-send", a.toString(), b.toString())) {
                assertEquals(0, sender.await(60), sender::err);
                assertEquals(0, receiver.await(60), receiver::err);
                assertEquals("answer: pong to " + b + "\n", sender.out(), sender::err);
            }
            assertEquals("bound\ngot 'ping' (4 bytes) from " + b + "\n", receiver.out(), receiver::err);
        }
    }

    private static byte[] readAll(java.nio.channels.SocketChannel c) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
        while (c.read(buf) > 0) {
            all.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return all.toByteArray();
    }

    /**
     * Name service through the guest root: a confined musl program resolves a name that only the root's own
     * {@code /etc/hosts} knows (the host's does not), and a name that the host's file knows but the root's does
     * not stays unknown (no name server in the root's {@code /etc/resolv.conf} either).
     */
    @Test
    void namesResolveThroughTheGuestRootsEtcHosts() throws Exception {
        Path prog = musl("netmisc", NETMISC_C);
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n127.0.0.1 pico-guest-only.test\n");
        Files.writeString(root.resolve("etc/resolv.conf"),
                "# no name server line: musl asks 127.0.0.1, where none answers\noptions timeout:1 attempts:1\n");
        Files.copy(prog, root.resolve("netmisc"));
        root.resolve("netmisc").toFile().setExecutable(true);
        LinuxTestSupport.Result known = LinuxTestSupport.pico(launcher, root, "/", null, null,
                List.of("/netmisc", "pico-guest-only.test", "192.0.2.7"));
        assertEquals(0, known.status(), known::toString);
        assertTrue(known.out().contains("getaddrinfo pico-guest-only.test: 127.0.0.1"), known::toString);
        // the host's /etc/hosts names the machine itself; the guest's file does not
        String hostName = java.net.InetAddress.getLocalHost().getHostName();
        assumeTrue(Files.readString(Path.of("/etc/hosts")).contains(hostName), "the host's /etc/hosts names "
                + hostName);
        LinuxTestSupport.Result unknown = LinuxTestSupport.pico(launcher, root, "/", null, null,
                List.of("/netmisc", hostName, "192.0.2.7"));
        assertTrue(unknown.out().contains("getaddrinfo " + hostName + ": ")
                && !unknown.out().matches("(?s).*getaddrinfo " + java.util.regex.Pattern.quote(hostName)
                        + ": [0-9a-f.:]+\n.*"), unknown::toString);
    }

    @Test
    void anEpollServerServesSeveralClientsAtOnce() throws Exception {
        Path epoll = musl("epoll", EPOLL_C);
        int port = freePort();
        int clients = 5;
        try (Guest server = start(epoll.toString(), String.valueOf(port), String.valueOf(clients))) {
            awaitListening(epoll + " " + port);
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(30_000);
                    sockets.add(s);
                }
                for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < clients; i++) {
                        sockets.get(i).getOutputStream().write(("client " + i + " round " + round + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                    for (int i = 0; i < clients; i++) {
                        byte[] expected = ("client " + i + " round " + round + "\n").getBytes(StandardCharsets.UTF_8);
                        byte[] echo = sockets.get(i).getInputStream().readNBytes(expected.length);
                        assertArrayEquals(expected, echo, "echo of client " + i);
                    }
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            assertEquals(0, server.await(60), server::err);
            assertTrue(server.out().contains("served 5 clients, 5 at once"), server::out);
        }
    }

    // --- policy and names ----------------------------------------------------------------------------------

    @Test
    void connectingBeyondLoopbackFailsWithEaccesAndATraceLine() throws Exception {
        assertEquals("loopback", kernel.netPolicy(), "the default policy");
        try (Guest nc = new Guest(InputStream.nullInputStream(), new ByteArrayOutputStream(), true, BUSYBOX, "nc",
                "10.255.255.1", "80")) {
            assertEquals(1, nc.await(60), nc::err);
            String err = nc.err();
            assertTrue(err.contains("connect to 10.255.255.1:80 refused by pico.net.policy=loopback (EACCES)"), err);
            assertTrue(err.contains("connect(") && err.contains("errno=13 (Permission denied)"), err);
            assertTrue(err.contains("nc: can't connect to remote host (10.255.255.1): Permission denied"), err);
        }
    }

    @Test
    void staticProgramsResolveLocalhostFromEtcHostsAndMeetThePolicy() throws Exception {
        Path prog = musl("netmisc", NETMISC_C);
        try (Guest g = start(prog.toString(), "localhost", "192.0.2.7")) {
            assertEquals(0, g.await(60), g::err);
            String out = g.out();
            assertTrue(out.contains("getaddrinfo localhost: 127.0.0.1"), out);
            assertTrue(out.contains("connect 192.0.2.7: Permission denied (errno 13)"), out);
            assertTrue(out.contains("sendto 192.0.2.7: Permission denied (errno 13)"), out);
        }
        // glibc 2.34 and later build its files and dns services into static programs too
        Path src = dir.resolve("netmisc.c");
        Path glibc = dir.resolve("netmisc-glibc");
        Process cc = new ProcessBuilder("gcc", "-static", "-O2", "-o", glibc.toString(), src.toString())
                .redirectErrorStream(true).start();
        cc.getInputStream().readAllBytes();
        if (cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0) {
            try (Guest g = start(glibc.toString(), "localhost", "192.0.2.7")) {
                assertEquals(0, g.await(60), g::err);
                assertTrue(g.out().contains("getaddrinfo localhost: 127.0.0.1"), g::out);
                assertTrue(g.out().contains("connect 192.0.2.7: Permission denied (errno 13)"), g::out);
            }
        }
    }

    @Test
    void theSocketSystemCallsAreInTheSupportMatrix() {
        for (String call : new String[] {"socket", "socketpair", "bind", "listen", "accept", "accept4", "connect",
            "sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown", "getsockname", "getpeername", "setsockopt",
            "getsockopt", "sendmmsg", "recvmmsg"}) {
            CallInfo info = kernel.calls("linux").stream().filter(c -> c.name().equals(call)).findFirst()
                    .orElseThrow(() -> new AssertionError(call + " is not in the table"));
            assertTrue(info.support() != Support.MISSING, info::toString);
        }
    }

    /**
     * IPv6 TCP and UDP on ::1, socket options (SO_REUSEADDR, TCP_NODELAY, IPV6_V6ONLY, SO_RCVBUF, SO_TYPE,
     * SO_ERROR), getsockname/getpeername, shutdown and a non-blocking accept: the same program run natively
     * prints the same lines (it prints nothing that differs between runs, such as port numbers).
     */
    @Test
    void ipv6AndSocketOptionsBehaveAsNatively() throws Exception {
        Path prog = musl("net6", NET6_C);
        LinuxTestSupport.Result expected = LinuxTestSupport.host(dir, prog.toString());
        assumeTrue(!expected.out().contains("no-ipv6"), "the host has no IPv6 loopback");
        LinuxTestSupport.Result actual = LinuxTestSupport.pico(launcher, dir, prog.toString());
        assertTrue(expected.out().contains("udp6 echo: ping6"), expected::toString);
        assertEquals(expected.out(), actual.out(), () -> "pico " + actual + "; native " + expected);
        assertEquals(expected.status(), actual.status(), () -> "pico " + actual + "; native " + expected);
    }

    // --- the C programs --------------------------------------------------------------------------------------

    /** IPv6 TCP and UDP over ::1 in one process, with socket options; prints only run-independent facts. */
    static final String NET6_C = """
            #include <arpa/inet.h>
            #include <errno.h>
            #include <fcntl.h>
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <unistd.h>

            static int opt(int s, int level, int name) {
                int v = -1; socklen_t l = sizeof v;
                if (getsockopt(s, level, name, &v, &l) < 0) return -errno;
                return v;
            }

            static const char *addr(struct sockaddr_in6 *a, char *buf) {
                return inet_ntop(AF_INET6, &a->sin6_addr, buf, 64);
            }

            int main(void) {
                char b[64], buf[64];
                int l = socket(AF_INET6, SOCK_STREAM, 0);
                if (l < 0) { printf("no-ipv6 socket %d\\n", errno); return 0; }
                int one = 1;
                setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
                printf("reuseaddr %d v6only %d type %d\\n", opt(l, SOL_SOCKET, SO_REUSEADDR) != 0,
                       opt(l, IPPROTO_IPV6, IPV6_V6ONLY) != 0, opt(l, SOL_SOCKET, SO_TYPE));
                struct sockaddr_in6 a = {0};
                a.sin6_family = AF_INET6;
                a.sin6_addr = in6addr_loopback;
                if (bind(l, (struct sockaddr *) &a, sizeof a) < 0) { printf("no-ipv6 bind %d\\n", errno); return 0; }
                listen(l, 4);
                socklen_t al = sizeof a;
                getsockname(l, (struct sockaddr *) &a, &al);
                printf("listening on %s, port set %d, len %d\\n", addr(&a, b), a.sin6_port != 0, (int) al);
                fcntl(l, F_SETFL, fcntl(l, F_GETFL) | O_NONBLOCK);
                int r = accept(l, NULL, NULL);
                printf("accept before connect: %d %s\\n", r, r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? "EAGAIN" : "?");
                int c = socket(AF_INET6, SOCK_STREAM, 0);
                setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                printf("nodelay %d\\n", opt(c, IPPROTO_TCP, TCP_NODELAY) != 0);
                if (connect(c, (struct sockaddr *) &a, sizeof a) < 0) { perror("connect"); return 1; }
                printf("so_error %d\\n", opt(c, SOL_SOCKET, SO_ERROR));
                fcntl(l, F_SETFL, fcntl(l, F_GETFL) & ~O_NONBLOCK);
                struct sockaddr_in6 p = {0};
                socklen_t pl = sizeof p;
                int s = accept(l, (struct sockaddr *) &p, &pl);
                printf("accepted from %s, len %d\\n", addr(&p, b), (int) pl);
                struct sockaddr_in6 q = {0};
                socklen_t ql = sizeof q;
                getpeername(c, (struct sockaddr *) &q, &ql);
                printf("peer of client %s, same port %d\\n", addr(&q, b), q.sin6_port == a.sin6_port);
                printf("rcvbuf positive %d\\n", opt(s, SOL_SOCKET, SO_RCVBUF) > 0);
                write(c, "hello6", 6);
                shutdown(c, SHUT_WR);
                int n = 0, k;
                while ((k = read(s, buf + n, sizeof buf - n)) > 0) n += k;
                printf("server read %.*s then %d\\n", n, buf, k);
                write(s, "bye6", 4);
                close(s);
                n = read(c, buf, sizeof buf);
                printf("client read %.*s\\n", n, buf);
                printf("write after shutdown: %d\\n", (int) send(c, "x", 1, MSG_NOSIGNAL) < 0 ? errno : 0);
                close(c);
                close(l);

                int u = socket(AF_INET6, SOCK_DGRAM, 0);
                struct sockaddr_in6 ua = {0};
                ua.sin6_family = AF_INET6;
                ua.sin6_addr = in6addr_loopback;
                bind(u, (struct sockaddr *) &ua, sizeof ua);
                socklen_t ual = sizeof ua;
                getsockname(u, (struct sockaddr *) &ua, &ual);
                int v = socket(AF_INET6, SOCK_DGRAM, 0);
                sendto(v, "ping6", 5, 0, (struct sockaddr *) &ua, sizeof ua);
                struct sockaddr_in6 from = {0};
                socklen_t fl = sizeof from;
                n = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
                sendto(u, buf, n, 0, (struct sockaddr *) &from, fl);
                n = recv(v, buf, sizeof buf, 0);
                printf("udp6 echo: %.*s from %s\\n", n, buf, addr(&from, b));
                printf("udp type %d\\n", opt(v, SOL_SOCKET, SO_TYPE));
                return 0;
            }
            """;

    /** SCM_RIGHTS: over a socket pair to a forked child (a thread without fork), and between two processes. */
    static final String SCM_C = """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <fcntl.h>
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <sys/un.h>
            #include <sys/wait.h>
            #include <unistd.h>

            static int send_fd(int sock, int fd, const char *msg) {
                struct msghdr m = {0};
                struct iovec io = {(void *) msg, strlen(msg)};
                union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
                memset(&u, 0, sizeof u);
                m.msg_iov = &io;
                m.msg_iovlen = 1;
                m.msg_control = u.buf;
                m.msg_controllen = sizeof u.buf;
                struct cmsghdr *c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
                return sendmsg(sock, &m, 0);
            }

            static int recv_fd(int sock, char *buf, size_t len) {
                struct msghdr m = {0};
                struct iovec io = {buf, len - 1};
                union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
                m.msg_iov = &io;
                m.msg_iovlen = 1;
                m.msg_control = u.buf;
                m.msg_controllen = sizeof u.buf;
                ssize_t n = recvmsg(sock, &m, 0);
                if (n < 0) return -1;
                buf[n] = 0;
                struct cmsghdr *c = CMSG_FIRSTHDR(&m);
                if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) { errno = ENOMSG; return -1; }
                int fd;
                memcpy(&fd, CMSG_DATA(c), sizeof fd);
                return fd;
            }

            static int child_sock;

            static void *receiver(void *arg) {
                char buf[64];
                int fd = recv_fd(child_sock, buf, sizeof buf);
                if (fd < 0) { perror("recvmsg"); exit(3); }
                dprintf(fd, "receiver got '%s' with a new descriptor and wrote through it\\n", buf);
                close(fd);
                return arg;
            }

            static int pair(void) {
                int sv[2], p[2];
                if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) { perror("socketpair"); return 1; }
                if (pipe(p) < 0) { perror("pipe"); return 1; }
                child_sock = sv[1];
                pthread_t t;
                pid_t pid = fork();
                if (pid == 0) {
                    close(sv[0]);
                    close(p[0]);
                    close(p[1]);
                    receiver(NULL);
                    _exit(0);
                }
                if (pid < 0) {
                    printf("fork: %s, a thread receives instead\\n", strerror(errno));
                    pthread_create(&t, NULL, receiver, NULL);
                } else {
                    close(sv[1]);
                }
                if (send_fd(sv[0], p[1], "the pipe") < 0) { perror("sendmsg"); return 1; }
                close(p[1]); /* the receiver's copy is the last writer now: its close ends the pipe */
                char buf[256];
                ssize_t n, total = 0;
                while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
                buf[total] = 0;
                printf("parent read: %s", buf);
                if (pid > 0) {
                    int st;
                    waitpid(pid, &st, 0);
                    printf("child %s\\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed");
                } else {
                    pthread_join(t, NULL);
                }
                return 0;
            }

            static int server(const char *path) {
                int s = socket(AF_UNIX, SOCK_STREAM, 0);
                struct sockaddr_un a = {.sun_family = AF_UNIX};
                strncpy(a.sun_path, path, sizeof a.sun_path - 1);
                unlink(path);
                if (bind(s, (struct sockaddr *) &a, sizeof a) < 0) { perror("bind"); return 1; }
                if (listen(s, 4) < 0) { perror("listen"); return 1; }
                printf("listening on %s\\n", path);
                int c = accept(s, NULL, NULL);
                if (c < 0) { perror("accept"); return 1; }
                struct ucred cred;
                socklen_t len = sizeof cred;
                if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
                    printf("peer pid %s\\n", cred.pid > 0 ? "known" : "unknown");
                char buf[64], text[256];
                int fd = recv_fd(c, buf, sizeof buf);
                if (fd < 0) { perror("recvmsg"); return 1; }
                ssize_t n = read(fd, text, sizeof text - 1);
                text[n < 0 ? 0 : n] = 0;
                printf("server got '%s' and read through the passed descriptor: %s", buf, text);
                close(fd);
                close(c);
                unlink(path);
                return 0;
            }

            static int client(const char *path, const char *file) {
                int s = socket(AF_UNIX, SOCK_STREAM, 0);
                struct sockaddr_un a = {.sun_family = AF_UNIX};
                strncpy(a.sun_path, path, sizeof a.sun_path - 1);
                if (connect(s, (struct sockaddr *) &a, sizeof a) < 0) { perror("connect"); return 1; }
                int fd = open(file, O_RDONLY);
                if (fd < 0) { perror("open"); return 1; }
                if (send_fd(s, fd, "a file") < 0) { perror("sendmsg"); return 1; }
                close(fd);
                char b;
                read(s, &b, 1); /* until the server is done */
                printf("client passed %s\\n", file);
                return 0;
            }

            int main(int argc, char **argv) {
                setvbuf(stdout, NULL, _IONBF, 0);
                if (argc > 1 && !strcmp(argv[1], "pair")) return pair();
                if (argc > 2 && !strcmp(argv[1], "server")) return server(argv[2]);
                if (argc > 3 && !strcmp(argv[1], "client")) return client(argv[2], argv[3]);
                fprintf(stderr, "usage: scm pair | server PATH | client PATH FILE\\n");
                return 2;
            }
            """;

    /**
     * AF_UNIX streams and datagrams: {@code connect PATH} sends a line, half-closes and prints the reply;
     * {@code dgram-recv PATH} binds a datagram socket, takes one datagram and answers the sender's address;
     * {@code dgram-send PATH SELF} binds SELF, sends "ping" to PATH and prints the answer.
     */
    static final String UNIX_C = """
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            #include <sys/socket.h>
            #include <sys/un.h>

            static struct sockaddr_un addr(const char *path) {
                struct sockaddr_un a = {.sun_family = AF_UNIX};
                strncpy(a.sun_path, path, sizeof a.sun_path - 1);
                return a;
            }

            static int stream(const char *path) {
                int s = socket(AF_UNIX, SOCK_STREAM, 0);
                struct sockaddr_un a = addr(path);
                if (connect(s, (struct sockaddr *) &a, sizeof a) < 0) { perror("connect"); return 1; }
                const char *line = "ping from pico\\n";
                if (write(s, line, strlen(line)) < 0) { perror("write"); return 1; }
                if (shutdown(s, SHUT_WR) < 0) { perror("shutdown"); return 1; }
                char buf[256];
                ssize_t n, total = 0;
                while ((n = read(s, buf + total, sizeof buf - 1 - total)) > 0) total += n;
                if (n < 0) { perror("read"); return 1; }
                buf[total] = 0;
                printf("reply: %s", buf);
                return 0;
            }

            static int dgram_recv(const char *path) {
                int s = socket(AF_UNIX, SOCK_DGRAM, 0);
                struct sockaddr_un a = addr(path), from;
                unlink(path);
                if (bind(s, (struct sockaddr *) &a, sizeof a) < 0) { perror("bind"); return 1; }
                printf("bound\\n");
                char buf[64];
                socklen_t len = sizeof from;
                ssize_t n = recvfrom(s, buf, sizeof buf - 1, 0, (struct sockaddr *) &from, &len);
                if (n < 0) { perror("recvfrom"); return 1; }
                buf[n] = 0;
                printf("got '%s' (%zd bytes) from %s\\n", buf, n, len > sizeof(sa_family_t) ? from.sun_path : "?");
                if (sendto(s, "pong", 4, 0, (struct sockaddr *) &from, len) < 0) { perror("sendto"); return 1; }
                unlink(path);
                return 0;
            }

            static int dgram_send(const char *path, const char *self) {
                int s = socket(AF_UNIX, SOCK_DGRAM, 0);
                struct sockaddr_un me = addr(self), to = addr(path);
                unlink(self);
                if (bind(s, (struct sockaddr *) &me, sizeof me) < 0) { perror("bind"); return 1; }
                if (sendto(s, "ping", 4, 0, (struct sockaddr *) &to, sizeof to) < 0) { perror("sendto"); return 1; }
                char buf[64];
                ssize_t n = recv(s, buf, sizeof buf - 1, 0);
                if (n < 0) { perror("recv"); return 1; }
                buf[n] = 0;
                printf("answer: %s to %s\\n", buf, self);
                unlink(self);
                return 0;
            }

            int main(int argc, char **argv) {
                setvbuf(stdout, NULL, _IONBF, 0);
                if (argc > 2 && !strcmp(argv[1], "connect")) return stream(argv[2]);
                if (argc > 2 && !strcmp(argv[1], "dgram-recv")) return dgram_recv(argv[2]);
                if (argc > 3 && !strcmp(argv[1], "dgram-send")) return dgram_send(argv[2], argv[3]);
                fprintf(stderr, "usage: unix connect PATH | dgram-recv PATH | dgram-send PATH SELF\\n");
                return 2;
            }
            """;

    /** An epoll echo server on 127.0.0.1:PORT that serves CLIENTS connections, several at once, then exits. */
    static final String EPOLL_C = """
            #define _GNU_SOURCE
            #include <arpa/inet.h>
            #include <errno.h>
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/epoll.h>
            #include <sys/socket.h>
            #include <unistd.h>

            int main(int argc, char **argv) {
                if (argc < 3) { fprintf(stderr, "usage: epoll PORT CLIENTS\\n"); return 2; }
                setvbuf(stdout, NULL, _IONBF, 0);
                int port = atoi(argv[1]), clients = atoi(argv[2]);
                int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                int one = 1;
                setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
                a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                if (bind(s, (struct sockaddr *) &a, sizeof a) < 0) { perror("bind"); return 1; }
                if (listen(s, 16) < 0) { perror("listen"); return 1; }
                int ep = epoll_create1(EPOLL_CLOEXEC);
                struct epoll_event ev = {.events = EPOLLIN, .data.fd = s};
                epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
                printf("listening on 127.0.0.1:%d\\n", port);
                int served = 0, open = 0, most = 0;
                long bytes = 0;
                while (served < clients) {
                    struct epoll_event evs[16];
                    int n = epoll_wait(ep, evs, 16, 20000);
                    if (n < 0) { if (errno == EINTR) continue; perror("epoll_wait"); return 1; }
                    if (n == 0) { fprintf(stderr, "idle for 20 s\\n"); return 3; }
                    for (int i = 0; i < n; i++) {
                        int fd = evs[i].data.fd;
                        if (fd == s) {
                            int c;
                            while ((c = accept4(s, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                                setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                                struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
                                epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                                if (++open > most) most = open;
                            }
                            if (errno != EAGAIN) { perror("accept4"); return 1; }
                            continue;
                        }
                        char buf[4096];
                        ssize_t r = read(fd, buf, sizeof buf);
                        if (r > 0) {
                            bytes += r;
                            for (ssize_t w = 0; w < r;) {
                                ssize_t k = write(fd, buf + w, r - w);
                                if (k < 0 && errno != EAGAIN) { perror("write"); return 1; }
                                if (k > 0) w += k;
                            }
                        } else if (r == 0 || errno != EAGAIN) {
                            epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                            close(fd);
                            open--;
                            served++;
                        }
                    }
                }
                printf("served %d clients, %d at once, %ld bytes echoed\\n", served, most, bytes);
                return 0;
            }
            """;

    /** Name service from /etc/hosts, and the network policy meeting a connect and a datagram beyond loopback. */
    static final String NETMISC_C = """
            #define _GNU_SOURCE
            #include <arpa/inet.h>
            #include <errno.h>
            #include <netdb.h>
            #include <netinet/in.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <unistd.h>

            int main(int argc, char **argv) {
                const char *name = argc > 1 ? argv[1] : "localhost";
                struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *p;
                int e = getaddrinfo(name, "80", &hints, &res);
                if (e) {
                    printf("getaddrinfo %s: %s\\n", name, gai_strerror(e));
                } else {
                    for (p = res; p; p = p->ai_next) {
                        char b[64];
                        void *addr = p->ai_family == AF_INET ? (void *) &((struct sockaddr_in *) p->ai_addr)->sin_addr
                            : (void *) &((struct sockaddr_in6 *) p->ai_addr)->sin6_addr;
                        printf("getaddrinfo %s: %s\\n", name, inet_ntop(p->ai_family, addr, b, sizeof b));
                    }
                    freeaddrinfo(res);
                }
                const char *far = argc > 2 ? argv[2] : "10.255.255.1";
                int s = socket(AF_INET, SOCK_STREAM, 0);
                struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};
                inet_pton(AF_INET, far, &a.sin_addr);
                if (connect(s, (struct sockaddr *) &a, sizeof a) < 0)
                    printf("connect %s: %s (errno %d)\\n", far, strerror(errno), errno);
                else
                    printf("connect %s: connected\\n", far);
                int u = socket(AF_INET, SOCK_DGRAM, 0);
                a.sin_port = htons(53);
                if (sendto(u, "x", 1, 0, (struct sockaddr *) &a, sizeof a) < 0)
                    printf("sendto %s: %s (errno %d)\\n", far, strerror(errno), errno);
                else
                    printf("sendto %s: sent\\n", far);
                return 0;
            }
            """;
}
