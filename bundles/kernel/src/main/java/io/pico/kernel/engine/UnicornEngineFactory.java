package io.pico.kernel.engine;

import io.pico.api.CpuMode;
import io.pico.unicorn.Unicorn;

/**
 * Creates unicorn engines and keeps a pool of emptied ones: a new engine's first run initialises the
 * translator (milliseconds), a re-used one starts at once. At most {@code pico.engine.pool} engines (16)
 * wait in the pool per mode.
 */
public final class UnicornEngineFactory implements EngineFactory {

    /**
     * Pool size; 0 on unicorn 2.0.x, which keeps the translations of unmapped memory and whose translation
     * flush grows the process's memory without bound: there a new engine per thread is the safe choice.
     */
    private static final int POOL = Unicorn.isAtLeast21() ? Integer.getInteger("pico.engine.pool", 16) : 0;
    private final java.util.Map<CpuMode, java.util.concurrent.ConcurrentLinkedDeque<UnicornEngine>> pools =
            new java.util.EnumMap<>(CpuMode.class);

    /**
     * Whether engines may use transparent huge pages ({@code pico.engine.thp=true}). By default the factory turns
     * them off for the host process before the first engine opens: unicorn puts each engine's translated code in
     * huge pages, ~1.6 MiB more resident memory per guest thread, with no measured gain in speed (bench/README.md,
     * density).
     */
    static final boolean HUGE_PAGES = Boolean.getBoolean("pico.engine.thp");

    static {
        if (!HUGE_PAGES) {
            io.pico.unicorn.HostMemory.disableTransparentHugePages();
        }
    }

    /** A factory with empty pools. */
    public UnicornEngineFactory() {
        for (CpuMode m : CpuMode.values()) {
            pools.put(m, new java.util.concurrent.ConcurrentLinkedDeque<>());
        }
    }

    @Override
    public Engine create(CpuMode mode, EngineListener listener) {
        UnicornEngine engine;
        while ((engine = pools.get(mode).pollFirst()) != null) {
            if (engine.reset(listener)) {
                engine.reopen();
                return engine;
            }
            engine.destroy();
        }
        return new UnicornEngine(mode, listener, this);
    }

    /** Takes an engine back from a thread that ended. */
    void release(UnicornEngine engine) {
        java.util.concurrent.ConcurrentLinkedDeque<UnicornEngine> pool = pools.get(engine.mode());
        if (!closed && pool.size() < POOL && engine.reset(DETACHED)) {
            pool.addFirst(engine);
            if (closed) {
                drain(); // closed meanwhile: this engine must not outlive it in the pool
            }
        } else {
            engine.destroy();
        }
    }

    /** Whether {@link #close} ran: engines given back are destroyed, not pooled. */
    private volatile boolean closed;

    /**
     * Destroys the pooled engines, which releases the image ranges they kept (the kernel stops: without this the
     * image copies they hold stayed open after {@code Images.clear()}); engines given back later are destroyed.
     */
    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        for (java.util.concurrent.ConcurrentLinkedDeque<UnicornEngine> pool : pools.values()) {
            UnicornEngine engine;
            while ((engine = pool.pollFirst()) != null) {
                engine.destroy();
            }
        }
    }

    /**
     * Per mode, an engine that only owns the CPU contexts of threads that gave their engine back: unicorn frees
     * an engine's contexts in {@code uc_close}, so they cannot belong to the engine they were saved from. Its
     * context list is not thread-safe: allocation and freeing hold this factory's lock.
     */
    private final java.util.Map<CpuMode, Unicorn> contextKeepers = new java.util.EnumMap<>(CpuMode.class);

    /** A new CPU context of the mode, owned by the mode's context keeper; free it with {@link #freeContext}. */
    synchronized Unicorn.Context newContext(CpuMode mode) {
        Unicorn keeper = contextKeepers.computeIfAbsent(mode, m -> Unicorn.open(switch (m) {
            case X86_16 -> Unicorn.Mode.X86_16;
            case X86_32 -> Unicorn.Mode.X86_32;
            case X86_64 -> Unicorn.Mode.X86_64;
        }));
        return keeper.contextSave();
    }

    /** Frees a context from {@link #newContext}. */
    synchronized void freeContext(Unicorn.Context context) {
        context.close();
    }

    /**
     * Maps an engine took back from the ranges it kept (an image's read-only pages mapped again at the same
     * address: its translations were kept), since the runtime started.
     */
    public static long keptMapsReused() {
        return UnicornEngine.REUSED.get();
    }

    /** Engines waiting in the pools. */
    public int pooled() {
        return pools.values().stream().mapToInt(java.util.Collection::size).sum();
    }

    /** The listener of a pooled engine: nothing runs on it. */
    private static final EngineListener DETACHED = new EngineListener() {
        @Override
        public void onSyscall() {
            throw new IllegalStateException("a pooled engine ran guest code");
        }

        @Override
        public void onInterrupt(int vector) {
            throw new IllegalStateException("a pooled engine ran guest code");
        }

        @Override
        public boolean onInvalidMemory(io.pico.api.CpuException.Kind kind, io.pico.api.CpuException.Access access,
                long address) {
            return false;
        }

        @Override
        public boolean onInvalidInstruction() {
            return false;
        }
    };

    @Override
    public int open() {
        return UnicornEngine.OPEN.get();
    }

    @Override
    public boolean parallelThreads() {
        return Unicorn.hasParallelAtomics();
    }

    @Override
    public String name() {
        String stores = Unicorn.hasFastStores() ? "fast (pico's store patch)"
                : "unicorn's slow path (" + why("store", Unicorn.fastStoresOutcome()) + ")";
        String threads = Unicorn.hasParallelAtomics() ? "in parallel (pico's atomics patch)"
                : "one at a time per process (" + why("atomics", Unicorn.parallelAtomicsOutcome()) + ")";
        return "unicorn " + Unicorn.version() + " (" + Unicorn.libraryPath() + "); data stores: " + stores
                + "; threads: " + threads;
    }

    private static String why(String patch, String outcome) {
        return "OFF".equals(outcome) ? patch + " patch off" : "the " + patch + " patch does not fit this build";
    }
}
