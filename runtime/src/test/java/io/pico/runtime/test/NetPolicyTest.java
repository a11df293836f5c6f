package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Kernel;
import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Hashtable;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;

/**
 * The network policy comes from the kernel's configuration (PID io.pico.kernel, attribute netPolicy) unless
 * the system property pico.net.policy sets it, and the kernel enforces it on every socket, whoever made it.
 */
class NetPolicyTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    /** An address of this host that is not loopback, if it has one. */
    private static Optional<InetAddress> nonLoopback() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback()) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (!a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Binds a new socket to the address: null when it worked, else the error name. */
    private String bind(InetAddress a) throws IOException {
        SocketObject s = kernel.socket(a.getAddress().length == 4 ? SocketFamily.INET : SocketFamily.INET6,
                SocketType.STREAM, null);
        try {
            s.bind(new InetSocketAddress(a, 0));
            return null;
        } catch (IOException e) {
            return e.getMessage();
        } finally {
            s.release();
        }
    }

    private void awaitPolicy(String policy) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!kernel.netPolicy().equals(policy) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(policy, kernel.netPolicy());
    }

    @Test
    void theConfigurationOpensAndClosesTheNetwork() throws Exception {
        assertTrue(System.getProperty("pico.net.policy") == null, "the system property would override the test");
        assertEquals("loopback", kernel.netPolicy(), "the default");
        Optional<InetAddress> far = nonLoopback();
        if (far.isPresent()) {
            assertEquals("EACCES", bind(far.get()), "binding " + far.get() + " under the loopback policy");
        }
        assertEquals(null, bind(InetAddress.getByName("127.0.0.1")));
        SocketObject udp = kernel.socket(SocketFamily.INET, SocketType.DATAGRAM, null);
        IOException refused = assertThrows(IOException.class,
                () -> udp.send(java.nio.ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("192.0.2.1", 9), null, 0));
        assertEquals("EACCES", refused.getMessage());
        Configuration c = configAdmin.getConfiguration("io.pico.kernel", "?");
        try {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("netPolicy", "any");
            c.update(props);
            awaitPolicy("any");
            if (far.isPresent()) {
                assertEquals(null, bind(far.get()), "binding " + far.get() + " under the policy any");
            }
        } finally {
            udp.release();
            c.delete();
        }
        awaitPolicy("loopback");
    }
}
