package io.pico.kernel.io;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;

/**
 * The one thread that watches the host channels of the kernel's sockets. Every channel is registered once,
 * in non-blocking mode and with no interest; a socket that finds nothing to do arms the operation it
 * waits for, and when the host reports it ready the poller disarms it again (level-triggered, one shot),
 * tells the socket and announces a change ({@link IoEvents}), which wakes the guest threads that wait.
 * Guest threads never block inside a channel, so interrupting them (signals, hot-swap parking) never closes
 * a channel.
 */
final class NetPoller {

    /** Told which operations of its channel became ready. */
    interface Ready {
        /** The ready operations ({@link SelectionKey#OP_READ} ...). */
        void ready(int ops);
    }

    private final Selector selector;
    private final Thread thread;

    NetPoller() throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, "pico-net-poller");
        thread.setDaemon(true);
        thread.start();
    }

    /** Puts a channel in non-blocking mode and registers it, with no interest yet. */
    SelectionKey register(SelectableChannel channel, Ready ready) throws IOException {
        channel.configureBlocking(false);
        SelectionKey key = channel.register(selector, 0, ready);
        selector.wakeup();
        return key;
    }

    /** Asks to be told when the operations become ready. */
    void arm(SelectionKey key, int ops) {
        try {
            if ((key.interestOps() & ops) != ops) {
                key.interestOpsOr(ops);
                selector.wakeup();
            }
        } catch (CancelledKeyException e) {
            // the channel was closed meanwhile: nothing to wait for
        }
    }

    /** Makes the selector let go of cancelled keys (so that closed channels really close). */
    void wakeup() {
        selector.wakeup();
    }

    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private void run() {
        while (selector.isOpen()) {
            int n;
            try {
                n = selector.select();
            } catch (IOException | ClosedSelectorException e) {
                return;
            }
            if (n == 0) {
                continue;
            }
            try {
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey k = it.next();
                    it.remove();
                    try {
                        int ready = k.readyOps();
                        k.interestOpsAnd(~ready);
                        if (k.attachment() instanceof Ready r) {
                            r.ready(ready);
                        }
                    } catch (CancelledKeyException e) {
                        // closed while being reported
                    }
                }
            } catch (ClosedSelectorException e) {
                return;
            }
            IoEvents.changed();
        }
    }
}
