package io.pico.kernel;

import io.pico.api.CallInfo;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.Provider;
import io.pico.api.ProviderInfo;
import io.pico.api.Support;
import io.pico.kernel.engine.EngineFactory;
import io.pico.kernel.engine.UnicornEngineFactory;
import io.pico.kernel.io.HostFile;
import io.pico.kernel.io.HostStream;
import io.pico.kernel.io.IoEvents;
import io.pico.kernel.io.Net;
import io.pico.kernel.io.Pipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The pico kernel: the process table, the provider registry (a whiteboard of {@link Provider} services
 * keyed by personality) and the kernel objects.
 */
@Component(service = Kernel.class, immediate = true, configurationPid = "io.pico.kernel")
@org.osgi.service.metatype.annotations.Designate(ocd = KernelConfig.class)
public final class KernelImpl implements Kernel {

    private final ProviderRegistry registry = new ProviderRegistry();
    private final ConcurrentSkipListMap<Integer, KProcess> processes = new ConcurrentSkipListMap<>();
    private final AtomicInteger ids = new AtomicInteger(1);
    private final EngineFactory engines;
    private final Swapper swapper = new Swapper(this);
    private final Observers observers = new Observers(this);
    private volatile Limits limits;
    private final KernelLog log;
    private final Net net;
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pico-kernel-stopper");
        t.setDaemon(true);
        return t;
    });

    /** A kernel with the unicorn engine, logging where the framework property {@code pico.log} says. */
    @Activate
    public KernelImpl(KernelConfig config) {
        this(new UnicornEngineFactory(), KernelLog.fromSystem(), Limits.of(config));
        Images.log = this::log;
        netPolicy(config);
        engineRelease(config);
    }

    /** Nanoseconds a thread waits outside its engine before it gives the engine back; 0 never. */
    private volatile long engineReleaseNanos = TimeUnit.MILLISECONDS.toNanos(200);
    /** Names of the calls that run outside the engine ({@link KernelConfig#engineReleaseCalls}). */
    private volatile java.util.Set<String> engineReleaseCalls = java.util.Set.of("nanosleep", "clock_nanosleep",
            "wait4", "waitid", "pause", "rt_sigsuspend", "sigsuspend", "rt_sigtimedwait", "sigtimedwait",
            "sigwaitinfo", "sigwait", "poll", "ppoll", "select", "pselect6", "pselect", "epoll_wait", "epoll_pwait",
            "epoll_pwait2", "kevent", "msgrcv", "semop", "semtimedop", "accept", "accept4"); // as KernelConfig
    /** Per provider (service id): the numbers of its calls that run outside the engine. */
    private final java.util.Map<Long, java.util.BitSet> outsideCalls = new java.util.concurrent.ConcurrentHashMap<>();
    /** Engines given back by waiting threads so far. */
    private final java.util.concurrent.atomic.AtomicLong enginesReleased = new java.util.concurrent.atomic.AtomicLong();

    private void engineRelease(KernelConfig config) {
        long ms = Long.getLong("pico.engine.release.ms", config.engineReleaseMs());
        engineReleaseNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, ms));
        engineReleaseCalls = java.util.Set.of(config.engineReleaseCalls());
        outsideCalls.clear();
    }

    /** Whether waiting threads give their engines back ({@link KernelConfig#engineReleaseMs} above 0). */
    boolean engineReleaseEnabled() {
        return engineReleaseNanos > 0;
    }

    /** The call numbers of a provider that run outside the engine, or null for none. */
    java.util.BitSet outsideCalls(long providerId) {
        java.util.BitSet known = outsideCalls.get(providerId);
        if (known != null) {
            return known.isEmpty() ? null : known;
        }
        ProviderRegistry.Entry e = registry().byId(providerId);
        if (e == null) {
            return null;
        }
        java.util.BitSet set = new java.util.BitSet();
        try {
            java.util.Set<String> names = engineReleaseCalls;
            for (io.pico.api.CallInfo c : e.provider().calls()) {
                if ("syscall".equals(c.table()) && c.number() >= 0 && c.number() < 4096 && names.contains(c.name())) {
                    set.set(c.number());
                }
            }
        } catch (RuntimeException ex) {
            log("provider " + e.personality() + ": no call table (" + ex + "): its calls all run inside the engine");
        }
        outsideCalls.put(providerId, set);
        return set.isEmpty() ? null : set;
    }

    /** Gives back the engines of threads that have waited outside them long enough. */
    private void releaseIdleEngines() {
        long after = engineReleaseNanos;
        if (after <= 0) {
            return;
        }
        long now = System.nanoTime();
        for (KProcess p : processes.values()) {
            for (KThread t : p.kthreads()) {
                try {
                    if (t.releaseEngine(now, after)) {
                        enginesReleased.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    log("pid " + p.pid() + ": could not give an engine back: " + e);
                }
            }
        }
    }

    /** Engines given back by waiting threads since the kernel started. */
    long enginesReleased() {
        return enginesReleased.get();
    }

    /** The network policy: the system property {@code pico.net.policy} if set, else the configuration's. */
    private void netPolicy(KernelConfig config) {
        if (System.getProperty("pico.net.policy") != null) {
            return;
        }
        try {
            net.policy(Net.Policy.parse(config.netPolicy()));
        } catch (IllegalArgumentException e) {
            log(e.getMessage() + "; keeping " + net.policy());
        }
    }

    /** A changed configuration applies to processes started from now on. */
    @org.osgi.service.component.annotations.Modified
    void modified(KernelConfig config) {
        limits = Limits.of(config);
        netPolicy(config);
        engineRelease(config);
        log("configuration changed: " + limits + ", pico.net.policy=" + net.policy());
    }

    KernelImpl(EngineFactory engines, KernelLog log, Limits limits) {
        this.engines = engines;
        this.log = log;
        this.limits = limits;
        Net.Policy policy;
        try {
            policy = Net.Policy.parse(System.getProperty("pico.net.policy", "loopback"));
        } catch (IllegalArgumentException e) {
            log.write(e.getMessage() + "; using loopback");
            policy = Net.Policy.LOOPBACK;
        }
        this.net = new Net(policy, this::log, this::netRefused);
        reaper.scheduleWithFixedDelay(this::enforceCpuLimit, 200, 200, TimeUnit.MILLISECONDS);
        Long releaseMs = Long.getLong("pico.engine.release.ms");
        if (releaseMs != null) {
            engineReleaseNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, releaseMs));
        }
        reaper.scheduleWithFixedDelay(this::releaseIdleEngines, 25, 25, TimeUnit.MILLISECONDS);

    }

    private void enforceCpuLimit() {
        Limits limits = this.limits;
        if (limits.cpuSeconds() <= 0) {
            return;
        }
        long max = TimeUnit.SECONDS.toNanos(limits.cpuSeconds());
        for (KProcess p : processes.values()) {
            if (p.exitStatus().isEmpty() && p.cpuNanos() > max) {
                log("pid " + p.pid() + ": CPU time limit of " + limits.cpuSeconds() + " s exceeded (pico.cpu.limit)");
                p.crash("CPU time limit of " + limits.cpuSeconds() + " s exceeded");
            }
        }
    }

    @Deactivate
    void deactivate() {
        for (KProcess p : processes.values()) {
            p.crash("kernel stopped");
        }
        reaper.shutdownNow();
        Images.clear();
        engines.close(); // pooled engines release the image ranges they kept
        net.close();
        log.close();
    }

    @Reference(service = Provider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addProvider(Provider provider, ServiceReference<Provider> ref) {
        Object personality = ref.getProperty(Provider.PERSONALITY);
        if (!(personality instanceof String p) || p.isBlank()) {
            log("ignoring a provider from " + ref.getBundle().getSymbolicName() + " without " + Provider.PERSONALITY);
            return;
        }
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        ProviderRegistry.Entry entry = new ProviderRegistry.Entry(provider, p,
                (Long) ref.getProperty(Constants.SERVICE_ID), ranking instanceof Integer r ? r : 0,
                ref.getBundle().getSymbolicName(), ref.getBundle().getVersion().toString());
        registry.add(entry);
        swapper.arrived(entry);
    }

    @Reference(service = io.pico.api.ProcessObserver.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addProcessObserver(io.pico.api.ProcessObserver o, ServiceReference<io.pico.api.ProcessObserver> ref) {
        observers.addProcessObserver(o, ref.getBundle().getSymbolicName(), (Long) ref.getProperty(Constants.SERVICE_ID));
    }

    void removeProcessObserver(io.pico.api.ProcessObserver o, ServiceReference<io.pico.api.ProcessObserver> ref) {
        observers.remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    @Reference(service = io.pico.api.CallObserver.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addCallObserver(io.pico.api.CallObserver o, ServiceReference<io.pico.api.CallObserver> ref) {
        observers.addCallObserver(o, ref.getBundle().getSymbolicName(), (Long) ref.getProperty(Constants.SERVICE_ID));
    }

    void removeCallObserver(io.pico.api.CallObserver o, ServiceReference<io.pico.api.CallObserver> ref) {
        observers.remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    Observers observerRegistry() {
        return observers;
    }

    @Override
    public boolean observingCalls() {
        return observers.observingCalls();
    }

    @Override
    public void callStarting(io.pico.api.CallEvent call) {
        observers.before(call);
    }

    @Override
    public void callEnded(io.pico.api.CallEvent call, long result) {
        observers.after(call, result);
    }

    @Override
    public void imageStarting(PicoProcess process, Image image, List<String> argv) {
        observers.starting(process, image, argv);
    }

    @Override
    public void imageLoaded(PicoProcess process, String path, long base, long size) {
        observers.imageLoaded(process, path, base, size);
    }

    @Override
    public List<io.pico.api.ObserverInfo> observers() {
        return observers.describe();
    }

    void removeProvider(Provider provider, ServiceReference<Provider> ref) {
        ProviderRegistry.Entry entry = registry.byId((Long) ref.getProperty(Constants.SERVICE_ID));
        if (entry == null) {
            return;
        }
        // retired first, removed once its processes are parked and exported (Swapper.leaving)
        registry.retire(entry.serviceId());
        try {
            swapper.leaving(entry);
        } finally {
            registry.remove(entry.serviceId());
        }
    }

    @Override
    public io.pico.api.SwapReport swap(String personality, long timeoutMillis) {
        return swapper.swap(personality, timeoutMillis);
    }

    /** The process with the pid, or null. */
    KProcess kprocess(int pid) {
        return processes.get(pid);
    }

    /** All processes, for the kernel's own bookkeeping. */
    java.util.Collection<KProcess> kprocesses() {
        return processes.values();
    }

    Limits limits() {
        return limits;
    }

    Swapper swapper() {
        return swapper;
    }

    ProviderRegistry registry() {
        return registry;
    }

    EngineFactory engines() {
        return engines;
    }

    int nextId() {
        return ids.getAndIncrement();
    }

    @Override
    public PicoProcess spawn(Launch launch) throws ImageException {
        Path host;
        try {
            host = GuestPaths.resolve(launch.root(), launch.cwd(), launch.program());
        } catch (IOException e) {
            throw new ImageException(launch.program() + ": " + e.getMessage(), ImageException.NOT_FOUND);
        }
        Image image;
        try {
            image = image(host, launch.program());
        } catch (NoSuchFileException e) {
            throw new ImageException(launch.program() + ": No such file or directory", ImageException.NOT_FOUND);
        } catch (IOException e) {
            throw new ImageException(launch.program() + ": cannot read: " + e.getMessage());
        }
        if (Files.isDirectory(host)) {
            throw new ImageException(launch.program() + ": Is a directory");
        }
        ProviderRegistry.Entry entry = registry.claim(image).orElseThrow(() -> new ImageException(
                launch.program() + ": not an image any provider claims (" + describe(image.header()) + ")"));
        KProcess process = newProcess(entry.personality(), launch.parentPid(), launch.argv(), launch.root(),
                launch.trace());
        process.providerId(entry.serviceId());
        for (IoObject io : launch.stdio()) {
            process.handles().add(io);
        }
        try {
            observers.starting(process, image, launch.argv());
        } catch (io.pico.api.VetoException veto) {
            abandon(process);
            throw new ImageException(launch.program() + ": Permission denied (" + veto.getMessage() + ")");
        }
        // a swap does not hand the process over while its provider is still building its state
        java.util.concurrent.locks.Lock gate = swapper.providerCalls();
        gate.lock();
        try {
            entry.provider().start(process, image, launch);
        } catch (io.pico.api.ResourceLimitException e) {
            abandon(process);
            throw e;
        } catch (ImageException e) {
            abandon(process);
            throw e;
        } catch (RuntimeException | Error e) {
            abandon(process);
            log("provider " + entry.personality() + " failed loading " + launch.program() + ": " + e);
            throw new ImageException(launch.program() + ": provider " + entry.personality() + " failed: " + e);
        } finally {
            gate.unlock();
        }
        if (process.kthreads().isEmpty() && process.exitStatus().isEmpty()) {
            abandon(process);
            throw new ImageException(launch.program() + ": provider " + entry.personality() + " started no thread");
        }
        return process;
    }

    /** A new, empty process in the process table. */
    KProcess newProcess(String personality, int parentPid, List<String> command, Path root, PrintStream trace) {
        // counting and adding as one step: concurrent forks (a fork bomb) cannot overshoot the limit
        synchronized (newProcessLock) {
            long live = processes.values().stream().filter(p -> p.exitStatus().isEmpty()).count();
            if (live >= limits.maxProcesses()) {
                throw new io.pico.api.ResourceLimitException(live
                        + " processes are running, the limit (pico.max.processes)");
            }
            KProcess process = new KProcess(this, nextId(), parentPid, personality, command, root, trace);
            process.space().limit(limits.memoryBytes());
            processes.put(process.pid(), process);
            return process;
        }
    }

    private final Object newProcessLock = new Object();

    private void abandon(KProcess process) {
        process.exit(new ExitStatus(ImageException.NOT_EXECUTABLE, 0, "not started"));
        processes.remove(process.pid());
    }

    private static String describe(byte[] header) {
        StringBuilder sb = new StringBuilder("starts with");
        for (int i = 0; i < Math.min(4, header.length); i++) {
            sb.append(String.format(" %02x", header[i]));
        }
        return header.length == 0 ? "empty file" : sb.toString();
    }

    @Override
    public Image image(Path hostPath, String guestPath) throws IOException {
        try (FileChannel ch = FileChannel.open(hostPath, StandardOpenOption.READ)) {
            long size = ch.size();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(4096, size));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read the header fully
            }
            byte[] header = new byte[buf.position()];
            buf.flip().get(header);
            return new Image(hostPath, guestPath, header, size);
        }
    }

    @Override
    public Optional<String> personalityOf(Image image) {
        return registry.claim(image).map(ProviderRegistry.Entry::personality);
    }

    @Override
    public Optional<PicoProcess> process(int pid) {
        return Optional.ofNullable(processes.get(pid));
    }

    @Override
    public List<PicoProcess> processes() {
        return new ArrayList<>(processes.values());
    }

    private final Object exits = new Object();

    @Override
    public boolean awaitProcesses(java.util.function.BooleanSupplier condition, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (exits) {
            while (!condition.getAsBoolean()) {
                if (timeoutNanos == 0) {
                    return false;
                }
                long left = timeoutNanos < 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(exits, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
            return true;
        }
    }

    @Override
    public void reap(int pid) {
        processes.computeIfPresent(pid, (k, p) -> p.exitStatus().isPresent() ? null : p);
    }

    @Override
    public void signal(int pid, String signal) {
        KProcess p = processes.get(pid);
        if (p == null || p.exitStatus().isPresent()) {
            throw new IllegalArgumentException("no running process " + pid);
        }
        boolean kill = KILL.contains(signal.toUpperCase(java.util.Locale.ROOT));
        java.util.concurrent.locks.Lock gate = swapper.providerCalls();
        gate.lock();
        try {
            // the provider that runs the process (not the newest of its personality), never between two providers
            ProviderRegistry.Entry entry = registry.byId(p.providerId());
            if (entry == null) {
                if (kill) {
                    p.crash("killed (no provider for " + p.personality() + "; the process was suspended)");
                    return;
                }
                throw new IllegalArgumentException("pid " + pid + " is suspended: no provider for " + p.personality()
                        + " runs it now");
            }
            entry.provider().signal(p, signal);
        } catch (RuntimeException | Error e) {
            if (!kill) {
                throw e;
            }
            log("pid " + pid + ": provider " + p.personality() + " failed delivering " + signal + ": " + e
                    + "; the kernel ends the process");
            p.crash("killed (the provider failed delivering it: " + e + ")");
            return;
        } finally {
            gate.unlock();
        }
        if (kill && p.exitStatus().isEmpty()) {
            // KILL always ends a process: a provider that delivers it late, loses it or ignores it is overruled
            later(() -> {
                if (p.exitStatus().isEmpty()) {
                    log("pid " + pid + ": still running " + KILL_GRACE_MILLIS + " ms after KILL; the kernel ends it");
                    p.crash("killed (the provider did not end it)");
                }
            }, KILL_GRACE_MILLIS);
        }
    }

    /** The names of the signal that always ends a process, whatever its provider does with it. */
    private static final java.util.Set<String> KILL = java.util.Set.of("KILL", "SIGKILL");
    /** How long a provider has to end a process it was sent KILL for before the kernel does. */
    static final long KILL_GRACE_MILLIS = 1000;

    @Override
    public List<CallInfo> calls(String personality) {
        return registry.current(personality).map(e -> e.provider().calls()).orElse(List.of());
    }

    @Override
    public IoObject hostStream(InputStream in, OutputStream out, boolean terminal) {
        return new HostStream(in, out, terminal);
    }

    @Override
    public IoObject[] pipe() {
        Pipe pipe = new Pipe();
        return new IoObject[] {pipe.reader(), pipe.writer()};
    }

    /**
     * Host files all guests together may hold open: the runtime's descriptor limit less a fifth of it (at
     * least 256) kept for the runtime itself. Beyond it, opening fails with ENFILE ("too many open files in
     * system"); the per-process limit (EMFILE) is the personality's.
     */
    static final int HOST_FILE_BUDGET = hostFileBudget();

    private static int hostFileBudget() {
        long max = 4096;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            max = unix.getMaxFileDescriptorCount();
        }
        long budget = max - Math.max(256, max / 5);
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, budget));
    }

    @Override
    public IoObject openFile(Path hostPath, boolean read, boolean write, boolean append, boolean create,
            boolean truncate, boolean exclusive) throws IOException {
        if (HostFile.open() >= HOST_FILE_BUDGET) {
            // every guest descriptor of a host file is a descriptor of the runtime: guests together must not
            // take the ones the runtime itself needs (its jars, sockets, the next image to start)
            throw new IOException("ENFILE");
        }
        boolean exists = Files.exists(hostPath);
        if (exists && create && exclusive) {
            throw new java.nio.file.FileAlreadyExistsException(hostPath.toString());
        }
        if (!exists && !create) {
            throw new NoSuchFileException(hostPath.toString());
        }
        if (Files.isDirectory(hostPath)) {
            throw new IOException("EISDIR");
        }
        boolean writing = write || append;
        if (!writing && !exists) {
            Files.createFile(hostPath);
        }
        java.io.RandomAccessFile file;
        try {
            file = new java.io.RandomAccessFile(hostPath.toFile(), writing ? "rw" : "r");
        } catch (java.io.FileNotFoundException e) {
            throw new java.nio.file.AccessDeniedException(hostPath.toString(), null, e.getMessage());
        }
        if (truncate && writing) {
            file.setLength(0);
        }
        return new HostFile(file, hostPath, append);
    }

    @Override
    public io.pico.api.SocketObject socket(io.pico.api.SocketFamily family, io.pico.api.SocketType type,
            PicoProcess owner) throws IOException {
        return net.socket(family, type, owner == null ? 0 : owner.pid());
    }

    @Override
    public io.pico.api.SocketObject[] socketPair(io.pico.api.SocketType type, PicoProcess owner) {
        return net.pair(type, owner == null ? 0 : owner.pid());
    }

    @Override
    public boolean awaitIo(java.util.function.BooleanSupplier condition, long timeoutNanos)
            throws InterruptedException {
        return IoEvents.await(condition, timeoutNanos);
    }

    @Override
    public String netPolicy() {
        return net.policy().toString();
    }

    /** A socket operation the network policy refused: a log line, and a trace line when the process is traced. */
    private void netRefused(int pid, String what) {
        log("net: pid " + pid + ": " + what);
        KProcess p = processes.get(pid);
        if (p != null) {
            trace(p, "--- " + what + " ---");
        }
    }

    @Override
    public List<ProviderInfo> providers() {
        List<ProviderInfo> result = new ArrayList<>();
        for (ProviderRegistry.Entry e : registry.all()) {
            result.add(describe(e, false));
        }
        return result;
    }

    @Override
    public List<ProviderInfo> allProviders() {
        List<ProviderInfo> result = new ArrayList<>();
        String personality = null;
        for (ProviderRegistry.Entry e : registry.everyProvider()) {
            // the list holds each personality's current provider first, then the ones it shadows
            result.add(describe(e, e.personality().equals(personality)));
            personality = e.personality();
        }
        return result;
    }

    private static ProviderInfo describe(ProviderRegistry.Entry e, boolean shadowed) {
        List<CallInfo> calls = e.provider().calls();
        int full = (int) calls.stream().filter(c -> c.support() == Support.FULL).count();
        int partial = (int) calls.stream().filter(c -> c.support() == Support.PARTIAL).count();
        return new ProviderInfo(e.personality(), e.bundle(), e.version(), e.provider().formats(), full, partial,
                calls.size(), e.ranking(), shadowed);
    }

    @Override
    public void log(String line) {
        log.write(line);
    }

    /** Writes a line to the process's trace, when it is traced. */
    void trace(KProcess process, String line) {
        PrintStream trace = process.trace().orElse(null);
        if (trace != null) {
            trace.println(process.pid() + " " + line);
        }
    }

    @Override
    public io.pico.api.KernelStatistics statistics() {
        int threads = 0;
        for (KProcess p : processes.values()) {
            for (KThread t : p.kthreads()) {
                if (t.alive()) {
                    threads++;
                }
            }
        }
        return new io.pico.api.KernelStatistics(processes.size(), threads, engines.open(),
                KAddressSpace.HOST_BYTES.get());
    }

    @Override
    public String engine() {
        return engines.name();
    }

    /** Runs an action on the kernel's timer thread after a delay. */
    void later(Runnable action, long millis) {
        try {
            reaper.schedule(action, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the kernel is stopping
        }
    }

    /** Tells the provider that a process has ended; called once per process. */
    void processEnded(KProcess process) {
        synchronized (exits) {
            exits.notifyAll();
        }
        observers.exited(process, process.exitStatus().orElseThrow());
        // the provider that runs the process, not a newer one of its personality that may not know it yet
        withProvider(process, e -> {
            try {
                e.provider().processExited(process);
            } catch (RuntimeException ex) {
                log("provider " + process.personality() + " failed in processExited: " + ex);
            }
        });
    }

    void threadEnded(KThread thread) {
        withProvider(thread.process(), e -> {
            try {
                e.provider().threadExited(thread);
            } catch (RuntimeException ex) {
                log("provider " + thread.process().personality() + " failed in threadExited: " + ex);
            }
        });
    }

    /** Calls the process's provider, if it has one, never while the process is between two providers. */
    private void withProvider(KProcess process, java.util.function.Consumer<ProviderRegistry.Entry> action) {
        java.util.concurrent.locks.Lock gate = swapper.providerCalls();
        gate.lock();
        try {
            ProviderRegistry.Entry e = registry.byId(process.providerId());
            if (e != null) {
                action.accept(e);
            }
        } finally {
            gate.unlock();
        }
    }

    /**
     * Repeats stop requests to the threads of an ended process until they have left guest code: a stop
     * that reaches an engine between two runs is otherwise lost.
     */
    void ensureStopped(KProcess process) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            boolean left = false;
            for (KThread t : process.kthreads()) {
                if (t.alive()) {
                    left = true;
                    t.requestStop();
                }
            }
            if (left && System.nanoTime() < deadline) {
                reaper.schedule(check[0], 10, TimeUnit.MILLISECONDS);
            } else if (left) {
                log("pid " + process.pid() + ": threads still alive 30 s after exit (blocked in a host call)");
            }
        };
        reaper.schedule(check[0], 10, TimeUnit.MILLISECONDS);
    }
}
