package io.pico.webconsole;

import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.api.PicoProcess;
import io.pico.api.ProviderInfo;
import io.pico.api.SwapReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the Pico page shows and does, over the {@link Kernel} alone: a snapshot of processes and providers (the
 * page's JSON) and the two actions, kill and swap. The servlet around it only speaks HTTP.
 */
final class PicoConsole {

    /** How long a swap from the page may park the personality's processes before it is rolled back. */
    static final long SWAP_TIMEOUT_MS = 5000;

    /** Signal names or numbers as the personalities take them (TERM, KILL, 9 ...). */
    private static final Pattern SIGNAL = Pattern.compile("[A-Za-z0-9+]{1,16}");
    private static final Pattern PERSONALITY = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Kernel kernel;

    PicoConsole(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Processes, providers, kernel statistics and the engine, as the page's JSON reads them. */
    Map<String, Object> snapshot() {
        Map<String, Object> result = new LinkedHashMap<>();
        List<Object> processes = new ArrayList<>();
        for (PicoProcess p : kernel.processes()) {
            processes.add(process(p));
        }
        List<Object> providers = new ArrayList<>();
        for (ProviderInfo p : kernel.allProviders()) {
            providers.add(provider(p));
        }
        KernelStatistics s = kernel.statistics();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("processes", s.processes());
        stats.put("threads", s.threads());
        stats.put("engines", s.engines());
        stats.put("hostMemory", s.hostMemory());
        result.put("time", System.currentTimeMillis());
        result.put("engine", kernel.engine());
        result.put("statistics", stats);
        result.put("processes", processes);
        result.put("providers", providers);
        return result;
    }

    private static Map<String, Object> process(PicoProcess p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", p.pid());
        m.put("ppid", p.parentPid());
        m.put("personality", p.personality());
        m.put("provider", p.provider().orElse(""));
        Optional<ExitStatus> exit = p.exitStatus();
        m.put("state", p.state().name());
        m.put("exit", exit.map(ExitStatus::toString).orElse(null));
        m.put("threads", p.threads().size());
        m.put("cpuNanos", p.cpuNanos());
        long memory;
        try {
            memory = p.memory().mappedBytes();
        } catch (RuntimeException e) {
            memory = 0; // an ended process has released its memory
        }
        m.put("memory", memory);
        m.put("command", String.join(" ", p.command()));
        return m;
    }

    private static Map<String, Object> provider(ProviderInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("personality", p.personality());
        m.put("bundle", p.bundle());
        m.put("version", p.version());
        m.put("formats", p.formats());
        m.put("full", p.full());
        m.put("partial", p.partial());
        m.put("total", p.total());
        m.put("ranking", p.ranking());
        m.put("shadowed", p.shadowed());
        return m;
    }

    /**
     * Sends a signal, named in the process's personality's terms.
     *
     * @throws IllegalArgumentException for a bad pid or signal
     */
    String kill(String pid, String signal) {
        int n = pid(pid);
        String sig = signal == null || signal.isBlank() ? "KILL" : signal.trim();
        if (!SIGNAL.matcher(sig).matches()) {
            throw new IllegalArgumentException("bad signal " + sig);
        }
        kernel.signal(n, sig.toUpperCase(java.util.Locale.ROOT));
        return "sent " + sig.toUpperCase(java.util.Locale.ROOT) + " to " + n;
    }

    /**
     * Hot-swaps a personality's processes to its current provider.
     *
     * @throws IllegalArgumentException for a bad personality name
     * @throws IllegalStateException with the reason when the kernel rolled the swap back
     */
    SwapReport swap(String personality) {
        if (personality == null || !PERSONALITY.matcher(personality).matches()) {
            throw new IllegalArgumentException("bad personality " + personality);
        }
        return kernel.swap(personality, SWAP_TIMEOUT_MS);
    }

    private static int pid(String pid) {
        try {
            return Integer.parseInt(pid == null ? "" : pid.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad pid " + pid);
        }
    }
}
