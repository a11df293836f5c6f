package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallEvent;
import io.pico.api.CallObserver;
import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/** Call observers see each Linux system call with the data of its strace line: number, name, arguments, result. */
class LinuxCallObserverTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    /** One observed call and its result. */
    record Seen(CallEvent call, long result) {
    }

    @Test
    void observersSeeEveryCallWithItsArgumentsAndResult() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        List<CallEvent> before = new CopyOnWriteArrayList<>();
        List<Seen> after = new CopyOnWriteArrayList<>();
        CallObserver observer = new CallObserver() {
            @Override
            public void before(CallEvent call) {
                before.add(call);
            }

            @Override
            public void after(CallEvent call, long result) {
                after.add(new Seen(call, result));
            }
        };
        BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
        ServiceRegistration<CallObserver> registration = context.registerService(CallObserver.class, observer, null);
        Result r;
        try {
            r = LinuxTestSupport.pico(launcher, Path.of("/"), LinuxTestSupport.BUSYBOX, "echo", "observed");
        } finally {
            registration.unregister();
        }
        assertEquals(new Result(0, "observed\n", ""), r);
        Seen write = after.stream().filter(s -> s.call().name().equals("write") && s.call().args()[0] == 1)
                .findFirst().orElseThrow(() -> new AssertionError("no write(1, ...) among " + after));
        assertEquals("linux", write.call().personality());
        assertEquals("syscall", write.call().table());
        assertEquals(1, write.call().number());
        assertEquals(9, write.call().args()[2]);
        assertEquals(9, write.result());
        assertTrue(before.stream().anyMatch(c -> c.name().equals("exit_group") && c.number() == 231
                && c.args()[0] == 0), () -> "exit_group(0) among " + before);
        assertTrue(before.size() >= after.size() && after.size() > 3, before.size() + " before, " + after.size());
    }
}
