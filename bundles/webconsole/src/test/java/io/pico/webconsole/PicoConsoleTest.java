package io.pico.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.AddressSpace;
import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.api.PicoProcess;
import io.pico.api.ProcessState;
import io.pico.api.ProviderInfo;
import io.pico.api.SwapReport;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The page's data and actions over a kernel of the test's own (plain JUnit, no framework, no HTTP). */
class PicoConsoleTest {

    private final List<String> calls = new ArrayList<>();

    /** An interface implemented by a map of method names to results; unknown methods fail the test. */
    @SuppressWarnings("unchecked")
    private <T> T fake(Class<T> type, Map<String, java.util.function.Function<Object[], Object>> methods) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            var f = methods.get(m.getName());
            if (f == null) {
                throw new UnsupportedOperationException(m.getName());
            }
            return f.apply(args);
        });
    }

    private PicoProcess process(int pid, ProcessState state, ExitStatus exit) {
        AddressSpace memory = fake(AddressSpace.class, Map.of("mappedBytes", a -> {
            if (exit != null) {
                throw new IllegalStateException("released");
            }
            return 3L << 20;
        }));
        return fake(PicoProcess.class, Map.of(
                "pid", a -> pid,
                "parentPid", a -> 0,
                "personality", a -> "linux",
                "provider", a -> Optional.of("io.pico.provider.linux 0.1.0"),
                "state", a -> state,
                "exitStatus", a -> Optional.ofNullable(exit),
                "threads", a -> List.of(),
                "cpuNanos", a -> 1_500_000_000L,
                "memory", a -> memory,
                "command", a -> List.of("/bin/busybox", "sleep", "30 <\"x\">")));
    }

    private Kernel kernel() {
        List<PicoProcess> processes = List.of(process(7, ProcessState.RUNNING, null),
                process(8, ProcessState.EXITED, ExitStatus.signalled(9, "KILL")));
        return fake(Kernel.class, Map.of(
                "processes", a -> processes,
                "allProviders", a -> List.of(new ProviderInfo("linux", "io.pico.provider.linux", "0.1.0",
                        List.of("ELF x86-64"), 120, 30, 360, 0, false)),
                "statistics", a -> new KernelStatistics(2, 1, 1, 3L << 20),
                "engine", a -> "unicorn 2.1.4",
                "signal", a -> {
                    calls.add("signal " + a[0] + " " + a[1]);
                    if ((int) a[0] != 7) {
                        throw new IllegalArgumentException("no process " + a[0]);
                    }
                    return null;
                },
                "swap", a -> {
                    calls.add("swap " + a[0] + " " + a[1]);
                    if (!a[0].equals("linux")) {
                        throw new IllegalStateException("no provider for " + a[0]);
                    }
                    return new SwapReport("linux", "io.pico.provider.linux 0.1.0", "io.pico.provider.linux 0.2.0", 1,
                            2_000_000);
                }));
    }

    @Test
    void snapshotListsProcessesProvidersAndStatisticsAsJson() {
        String json = Json.write(new PicoConsole(kernel()).snapshot());
        assertTrue(json.contains("\"processes\":[{\"pid\":7,\"ppid\":0,\"personality\":\"linux\","
                + "\"provider\":\"io.pico.provider.linux 0.1.0\",\"state\":\"RUNNING\",\"exit\":null,\"threads\":0,"
                + "\"cpuNanos\":1500000000,\"memory\":3145728,"
                + "\"command\":\"/bin/busybox sleep 30 \\u003c\\\"x\\\"\\u003e\"}"), json);
        assertTrue(json.contains("{\"pid\":8,"), json);
        assertTrue(json.contains("\"state\":\"EXITED\",\"exit\":\"signal 9 (KILL)\""), json);
        assertTrue(json.contains("\"memory\":0,"), json);
        assertTrue(json.contains("\"providers\":[{\"personality\":\"linux\",\"bundle\":\"io.pico.provider.linux\","
                + "\"version\":\"0.1.0\",\"formats\":[\"ELF x86-64\"],\"full\":120,\"partial\":30,\"total\":360,"
                + "\"ranking\":0,\"shadowed\":false}]"), json);
        assertTrue(json.contains("\"statistics\":{\"processes\":2,\"threads\":1,\"engines\":1,\"hostMemory\":3145728}"),
                json);
        assertTrue(json.contains("\"engine\":\"unicorn 2.1.4\""), json);
    }

    @Test
    void killSendsTheSignalByNameDefaultKill() {
        PicoConsole console = new PicoConsole(kernel());
        assertEquals("sent KILL to 7", console.kill("7", null));
        assertEquals("sent TERM to 7", console.kill(" 7 ", "term"));
        assertEquals(List.of("signal 7 KILL", "signal 7 TERM"), calls);
    }

    @Test
    void killRefusesBadInputWithoutCallingTheKernel() {
        PicoConsole console = new PicoConsole(kernel());
        assertThrows(IllegalArgumentException.class, () -> console.kill("seven", "KILL"));
        assertThrows(IllegalArgumentException.class, () -> console.kill("7", "KILL; rm"));
        assertEquals(List.of(), calls);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> console.kill("99", "KILL"));
        assertEquals("no process 99", e.getMessage());
    }

    @Test
    void swapReportsTheKernelsOutcome() {
        PicoConsole console = new PicoConsole(kernel());
        assertEquals("linux: 1 process from io.pico.provider.linux 0.1.0 to io.pico.provider.linux 0.2.0, paused 2.0 ms",
                console.swap("linux").toString());
        assertThrows(IllegalStateException.class, () -> console.swap("os2"));
        assertThrows(IllegalArgumentException.class, () -> console.swap("../x y"));
        assertEquals(List.of("swap linux 5000", "swap os2 5000"), calls);
    }

    @Test
    void jsonEscapesControlCharactersAndNonFiniteNumbers() {
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        value.put("a", "x\n\u0001\\");
        value.put("b", java.util.Arrays.asList(1, 2.5, Double.NaN, true, null));
        assertEquals("{\"a\":\"x\\n\\u0001\\\\\",\"b\":[1,2.5,null,true,null]}", Json.write(value));
    }

    @Test
    void htmlEscapesMarkup() {
        assertEquals("&lt;a href=&#39;x&#39;&gt;&amp;&quot;", PicoPlugin.html("<a href='x'>&\""));
    }
}
