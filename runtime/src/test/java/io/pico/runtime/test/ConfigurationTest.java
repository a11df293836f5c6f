package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;

/** The kernel takes its limits from Configuration Admin; a change applies to the next process. */
class ConfigurationTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    private long memoryLimitOfANewProcess() throws Exception {
        IoObject[] stdio = {kernel.hostStream(null, null, false), kernel.hostStream(null, null, false),
            kernel.hostStream(null, null, false)};
        PicoProcess p = kernel.spawn(new Launch("/bin/busybox", List.of("busybox", "true"), Map.of(), "/",
                Path.of("/"), stdio, null, 0));
        for (IoObject o : stdio) {
            o.release();
        }
        long limit = p.memory().limit();
        assertEquals(0, p.waitFor().shellStatus());
        kernel.reap(p.pid());
        return limit;
    }

    @Test
    void aChangedMemoryLimitAppliesToTheNextProcess() throws Exception {
        long before = memoryLimitOfANewProcess();
        assertEquals(8192L << 20, before, "the default from the metatype description");
        Configuration c = configAdmin.getConfiguration("io.pico.kernel", "?");
        try {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("memoryLimitMB", 64L);
            c.update(props);
            long deadline = System.nanoTime() + 10_000_000_000L;
            long now;
            while ((now = memoryLimitOfANewProcess()) != 64L << 20 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(64L << 20, now);
        } finally {
            c.delete();
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (memoryLimitOfANewProcess() != before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, memoryLimitOfANewProcess(), "deleting the configuration restores the default");
    }
}
