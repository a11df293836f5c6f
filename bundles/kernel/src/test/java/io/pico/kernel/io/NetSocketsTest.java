package io.pico.kernel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.IoObject;
import io.pico.api.PassedObject;
import io.pico.api.Received;
import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketType;
import io.pico.api.UnixAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's sockets, driven directly and against host sockets: loopback only. */
@Timeout(60)
class NetSocketsTest {

    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Net net = new Net(Net.Policy.LOOPBACK, logged::add, (pid, line) -> refusals.add(pid + " " + line));
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        pool.shutdownNow();
        net.close();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b, int n) {
        return new String(b.array(), 0, n, StandardCharsets.UTF_8);
    }

    private static String errno(ThrowingRunnable r) {
        IOException e = assertThrows(IOException.class, r::run);
        return e.getMessage();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void tcpServerTalksToAHostClient() throws Exception {
        SocketObject server = net.socket(SocketFamily.INET, SocketType.STREAM, 7);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        server.listen(5);
        assertTrue(server.listening());
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        assertFalse(server.readable(), "nobody connected yet");
        assertEquals("EAGAIN", errno(() -> server.accept(true)));
        Future<String> client = pool.submit(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        SocketObject conn = server.accept(false);
        ByteBuffer buf = ByteBuffer.allocate(100);
        StringBuilder got = new StringBuilder();
        int n;
        while ((n = conn.read(buf.clear())) > 0) {
            got.append(text(buf, n));
        }
        assertEquals("hello", got.toString());
        assertEquals(-1, conn.read(buf.clear()), "the end stays the end");
        assertEquals(5, conn.write(bytes("world")));
        conn.shutdown(false, true);
        assertEquals("world", client.get(10, TimeUnit.SECONDS));
        InetSocketAddress peer = (InetSocketAddress) conn.remoteAddress();
        assertTrue(peer.getAddress().isLoopbackAddress(), peer::toString);
        conn.release();
        server.release();
    }

    @Test
    void tcpClientConnectsToAHostServerAndSeesTheEnd() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Future<?> echo = pool.submit(() -> {
                try (Socket s = host.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] b = new byte[8192];
                    int n;
                    while ((n = in.read(b)) > 0) {
                        out.write(b, 0, n);
                    }
                }
                return null;
            });
            SocketObject c = net.socket(SocketFamily.INET, SocketType.STREAM, 7);
            c.connect(new InetSocketAddress("127.0.0.1", host.getLocalPort()), false);
            byte[] big = new byte[3 << 20];
            new java.util.Random(1).nextBytes(big);
            Future<Integer> writer = pool.submit(() -> {
                int w = c.write(ByteBuffer.wrap(big));
                c.shutdown(false, true);
                return w;
            });
            ByteBuffer back = ByteBuffer.allocate(big.length + 10);
            while (c.read(back) > 0) {
                // until the echo ends
            }
            assertEquals(big.length, writer.get(20, TimeUnit.SECONDS));
            assertEquals(big.length, back.position());
            assertArrayEquals(big, java.util.Arrays.copyOf(back.array(), big.length));
            echo.get(10, TimeUnit.SECONDS);
            c.release();
        }
    }

    @Test
    void nonBlockingConnectFinishesInTheBackgroundOrFails() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            SocketObject c = net.socket(SocketFamily.INET, SocketType.STREAM, 7);
            try {
                c.connect(new InetSocketAddress("127.0.0.1", host.getLocalPort()), true);
            } catch (IOException e) {
                assertEquals("EINPROGRESS", e.getMessage());
            }
            assertTrue(IoEvents.await(c::writable, TimeUnit.SECONDS.toNanos(10)));
            assertNull(c.takeError());
            assertTrue(c.remoteAddress() != null);
            c.release();
        }
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            closedPort = gone.getLocalPort();
        }
        SocketObject d = net.socket(SocketFamily.INET, SocketType.STREAM, 7);
        assertEquals("ECONNREFUSED", errno(() -> d.connect(new InetSocketAddress("127.0.0.1", closedPort), false)));
        d.release();
    }

    @Test
    void theLoopbackPolicyRefusesOtherAddressesAndNarrowsWildcards() throws Exception {
        SocketObject c = net.socket(SocketFamily.INET, SocketType.STREAM, 42);
        assertEquals("EACCES", errno(() -> c.connect(new InetSocketAddress("10.1.2.3", 80), false)));
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).startsWith("42 connect to 10.1.2.3:80 refused by pico.net.policy=loopback"),
                refusals::toString);
        SocketObject u = net.socket(SocketFamily.INET, SocketType.DATAGRAM, 42);
        assertEquals("EACCES", errno(() -> u.send(bytes("x"), new InetSocketAddress("192.0.2.1", 53), null, 0)));
        SocketObject b = net.socket(SocketFamily.INET, SocketType.STREAM, 42);
        assertEquals("EACCES", errno(() -> b.bind(new InetSocketAddress("192.0.2.1", 0))));
        // a wildcard bind listens on loopback only, but shows the wildcard to the guest
        SocketObject w = net.socket(SocketFamily.INET6, SocketType.STREAM, 42);
        w.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
        w.listen(5);
        int port = ((InetSocketAddress) w.localAddress()).getPort();
        assertTrue(((InetSocketAddress) w.localAddress()).getAddress().isAnyLocalAddress());
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            try (Socket s = new Socket(host, port)) {
                SocketObject a = w.accept(false);
                assertTrue(((InetSocketAddress) a.remoteAddress()).getAddress().isLoopbackAddress());
                a.release();
            }
        }
        for (SocketObject s : new SocketObject[] {c, u, b, w}) {
            s.release();
        }
        net.policy(Net.Policy.ANY);
        SocketObject any = net.socket(SocketFamily.INET, SocketType.STREAM, 42);
        any.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
        any.release();
    }

    @Test
    void udpDatagramsKeepTheirBoundaries() throws Exception {
        SocketObject a = net.socket(SocketFamily.INET, SocketType.DATAGRAM, 1);
        SocketObject b = net.socket(SocketFamily.INET, SocketType.DATAGRAM, 1);
        b.bind(new InetSocketAddress("127.0.0.1", 0));
        assertEquals(5, a.send(bytes("first"), b.localAddress(), null, 0));
        assertEquals(6, a.send(bytes("second"), b.localAddress(), null, 0));
        ByteBuffer small = ByteBuffer.allocate(3);
        Received peeked = b.receive(small, SocketObject.PEEK);
        assertEquals(3, peeked.length());
        assertTrue(peeked.truncated());
        Received r = b.receive(small.clear(), 0);
        assertEquals(5, r.fullLength());
        assertEquals("fir", text(small, 3));
        assertEquals(a.localAddress(), r.from());
        ByteBuffer buf = ByteBuffer.allocate(100);
        assertEquals(6, b.receive(buf, 0).length());
        assertEquals("EAGAIN", errno(() -> b.receive(buf.clear(), SocketObject.DONT_WAIT)));
        a.release();
        b.release();
    }

    @Test
    void localStreamsPassKernelObjectsAndStopAtTheirMessage() throws Exception {
        SocketObject[] pair = net.pair(SocketType.STREAM, 3);
        Pipe pipe = new Pipe();
        pair[0].write(bytes("ab"));
        pair[0].send(bytes("cd"), null, List.of(new PassedObject(pipe.writer(), 1)), 0);
        pipe.writer().release(); // the message holds its own reference now
        ByteBuffer buf = ByteBuffer.allocate(10);
        Received first = pair[1].receive(buf, 0);
        assertEquals(2, first.length(), "stops before the message with objects");
        assertTrue(first.objects().isEmpty());
        Received second = pair[1].receive(buf, 0);
        assertEquals(2, second.length());
        assertEquals(1, second.objects().size());
        IoObject w = second.objects().get(0).object();
        assertEquals(1, second.objects().get(0).flags());
        w.write(bytes("through"));
        w.release();
        ByteBuffer got = ByteBuffer.allocate(20);
        assertEquals(7, pipe.reader().read(got));
        assertEquals(-1, pipe.reader().read(got.clear()), "the passed end was the last writer");
        assertEquals(3, pair[0].peerPid());
        pair[0].release();
        assertEquals(-1, pair[1].read(buf.clear()));
        assertEquals("EPIPE", errno(() -> pair[1].write(bytes("x"))));
        pair[1].release();
    }

    @Test
    void localSocketsByPathBetweenKernelSocketsAndHostSockets() throws Exception {
        Path p = dir.resolve("srv.sock");
        UnixAddress addr = UnixAddress.path("/srv.sock", p);
        SocketObject server = net.socket(SocketFamily.UNIX, SocketType.STREAM, 1);
        server.bind(addr);
        assertTrue(Files.exists(p), "bind makes the socket file");
        SocketObject again = net.socket(SocketFamily.UNIX, SocketType.STREAM, 1);
        assertEquals("EADDRINUSE", errno(() -> again.bind(addr)));
        server.listen(4);
        // a pico process connects through the kernel
        SocketObject client = net.socket(SocketFamily.UNIX, SocketType.STREAM, 2);
        client.connect(addr, false);
        SocketObject conn = server.accept(false);
        assertEquals(2, conn.peerPid());
        assertEquals(addr, conn.localAddress());
        client.write(bytes("kernel"));
        ByteBuffer buf = ByteBuffer.allocate(20);
        assertEquals(6, conn.read(buf));
        // a host program connects to the same name
        try (SocketChannel host = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            SocketObject hc = server.accept(false);
            host.write(bytes("host"));
            assertEquals(4, hc.read(buf.clear()));
            assertEquals("host", text(buf, 4));
            hc.release();
        }
        // once the file is gone, the name leads nowhere
        Files.delete(p);
        SocketObject late = net.socket(SocketFamily.UNIX, SocketType.STREAM, 2);
        assertEquals("ENOENT", errno(() -> late.connect(addr, false)));
        // a pico process connects to a host program's socket
        Path hp = dir.resolve("host.sock");
        try (ServerSocketChannel hs = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            hs.bind(UnixDomainSocketAddress.of(hp));
            late.connect(UnixAddress.path("/host.sock", hp), false);
            try (SocketChannel accepted = hs.accept()) {
                late.write(bytes("to host"));
                ByteBuffer hb = ByteBuffer.allocate(20);
                accepted.read(hb);
                assertEquals("to host", text(hb, hb.position()));
            }
        }
        for (SocketObject s : new SocketObject[] {server, again, client, conn, late}) {
            s.release();
        }
    }

    @Test
    void localDatagramsByNameAndPair() throws Exception {
        SocketObject a = net.socket(SocketFamily.UNIX, SocketType.DATAGRAM, 1);
        SocketObject b = net.socket(SocketFamily.UNIX, SocketType.DATAGRAM, 1);
        UnixAddress name = UnixAddress.abstractName("pico-test");
        b.bind(name);
        a.bind(UnixAddress.path("/a.sock", dir.resolve("a.sock")));
        assertTrue(Files.exists(dir.resolve("a.sock")), "the name shows in the file system");
        a.send(bytes("one"), name, null, 0);
        ByteBuffer buf = ByteBuffer.allocate(10);
        Received r = b.receive(buf, 0);
        assertEquals(3, r.length());
        assertEquals("/a.sock", ((UnixAddress) r.from()).name());
        b.send(bytes("back"), r.from(), null, 0);
        assertEquals(4, a.receive(buf.clear(), 0).length());
        SocketObject[] pair = net.pair(SocketType.DATAGRAM, 1);
        pair[0].write(bytes("x"));
        pair[0].write(bytes("yz"));
        assertEquals(1, pair[1].read(buf.clear()));
        assertEquals(2, pair[1].read(buf.clear()));
        for (SocketObject s : new SocketObject[] {a, b, pair[0], pair[1]}) {
            s.release();
        }
    }

    @Test
    void aReceiveTimeoutEndsTheWaitWithEagain() throws Exception {
        SocketObject[] pair = net.pair(SocketType.STREAM, 1);
        pair[1].option(io.pico.api.SocketOptionName.RECEIVE_TIMEOUT, TimeUnit.MILLISECONDS.toNanos(100));
        long t0 = System.nanoTime();
        assertEquals("EAGAIN", errno(() -> pair[1].read(ByteBuffer.allocate(4))));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(90) && waited < TimeUnit.SECONDS.toNanos(5), "" + waited);
        pair[0].release();
        pair[1].release();
    }

    @Test
    void aBlockedReceiveIsInterruptedAndTheSocketStillWorks() throws Exception {
        SocketObject[] pair = net.pair(SocketType.STREAM, 1);
        Thread reader = Thread.currentThread();
        pool.submit(() -> {
            Thread.sleep(200);
            reader.interrupt();
            return null;
        });
        ByteBuffer buf = ByteBuffer.allocate(10);
        assertThrows(InterruptedException.class, () -> pair[1].read(buf));
        pair[0].write(bytes("ok"));
        assertEquals(2, pair[1].read(buf));
        pair[0].release();
        pair[1].release();
    }
}
