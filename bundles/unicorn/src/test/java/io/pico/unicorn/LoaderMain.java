package io.pico.unicorn;

/** Run in a child JVM by LoaderTest: loads unicorn as configured and reports what it got. */
public final class LoaderMain {
    public static void main(String[] args) {
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_64)) {
            uc.memMap(0x1000, 0x1000, X86.UC_PROT_ALL);
            System.out.println("VERSION=" + Unicorn.version());
            System.out.println("PATH=" + Unicorn.libraryPath());
            System.out.println("STORES=" + Unicorn.fastStoresOutcome());
            System.out.println("ATOMICS=" + Unicorn.parallelAtomicsOutcome());
        }
        // a second engine and the accessors again: no second warning
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_32)) {
            System.out.println("AGAIN=" + Unicorn.version());
        }
    }
}
