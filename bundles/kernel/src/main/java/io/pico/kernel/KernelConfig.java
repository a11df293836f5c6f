package io.pico.kernel;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The kernel's settings, configuration PID {@code io.pico.kernel}; changes apply to new processes. */
@ObjectClassDefinition(name = "pico kernel", description = "Resource limits of pico processes. A change applies "
        + "to processes started afterwards.")
public @interface KernelConfig {

    /** Memory a process may map. */
    @AttributeDefinition(name = "Memory limit (MB)", description = "Guest memory one process may map (RLIMIT_AS); "
            + "beyond it the guest sees ENOMEM", min = "1")
    long memoryLimitMB() default 8192;

    /** Live processes in the runtime. */
    @AttributeDefinition(name = "Maximum processes", description = "Live pico processes in the runtime; fork and "
            + "spawn fail beyond it (EAGAIN), which contains fork bombs", min = "1")
    int maxProcesses() default 1024;

    /** Threads per process. */
    @AttributeDefinition(name = "Maximum threads", description = "Threads per process", min = "1")
    int maxThreads() default 512;

    /** CPU seconds per process, 0 for none. */
    @AttributeDefinition(name = "CPU time limit (s)", description = "CPU seconds a process may use before the "
            + "kernel ends it; 0 for no limit", min = "0")
    long cpuLimitSeconds() default 0;

    /** What guests' IPv4 and IPv6 sockets may reach (the system property pico.net.policy overrides it). */
    @AttributeDefinition(name = "Network policy", description = "What IPv4 and IPv6 sockets of guests may reach: "
            + "loopback (listen and connect on the loopback addresses only; wildcard binds bind loopback, other "
            + "addresses fail with EACCES and a log line) or any. Applies at once; the system property "
            + "pico.net.policy overrides it", options = {
                @org.osgi.service.metatype.annotations.Option(label = "loopback only", value = "loopback"),
                @org.osgi.service.metatype.annotations.Option(label = "any address", value = "any")})
    String netPolicy() default "loopback";

    /** How long a thread waits in a call before it gives its engine back; 0 never. */
    @AttributeDefinition(name = "Engine release (ms)", description = "A thread waiting this long in a call that "
            + "runs outside the engine gives its engine back (about 2.5 MiB each) and takes one again when the call "
            + "returns (and a 32- or 16-bit guest's software interrupts, OS/2's API calls, are handled outside the "
            + "engine); 0 keeps engines. The system property pico.engine.release.ms overrides it", min = "0")
    long engineReleaseMs() default 200;

    /** The calls that run outside the engine, by name, in any personality's call table. */
    @AttributeDefinition(name = "Calls that may release the engine", description = "System calls, by the names of "
            + "the personalities' call tables, that run outside the engine so that a long wait in them can give the "
            + "engine back; other calls run inside the engine's hook, which is cheaper")
    String[] engineReleaseCalls() default {"nanosleep", "clock_nanosleep", "wait4", "waitid", "pause",
        "rt_sigsuspend", "sigsuspend", "rt_sigtimedwait", "sigtimedwait", "sigwaitinfo", "sigwait", "poll", "ppoll",
        "select", "pselect6", "pselect", "epoll_wait", "epoll_pwait", "epoll_pwait2", "kevent", "msgrcv", "semop",
        "semtimedop", "accept", "accept4"};
}
