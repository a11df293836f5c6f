/**
 * The Linux personality of pico (private to this bundle).
 *
 * <ul>
 * <li>{@link io.pico.linux.LinuxProvider}: the {@code pico.personality=linux} provider service: claims ELF
 * images of OS/ABI SysV or Linux, starts them, dispatches system calls and CPU exceptions, delivers
 * {@code pico:kill} signals, hands its state over on a hot-swap ({@link io.pico.linux.LinuxState}).</li>
 * <li>{@link io.pico.linux.ProgramLoader}: start-up and execve through the POSIX core's ELF package
 * ({@code io.pico.posix.core.elf}: ElfFile with {@code Brand.LINUX}, ElfLoader, StackBuilder), with Linux's
 * auxiliary vector.</li>
 * <li>{@link io.pico.linux.LinuxAbi}: Linux's numbers for the POSIX core (errno, signals, open flags); the
 * descriptor table and open file descriptions are the core's ({@code FdTable}, {@code OpenFile} with core
 * flags, {@code SpecialFile} for eventfd and epoll).</li>
 * <li>{@code sys}: the system call table: the POSIX core's {@code SyscallTable} (rows of number, name, trace
 * format, handler, support level, note; dispatch, ENOSYS, strace, observers) with Linux's convention
 * ({@link io.pico.linux.LinuxConvention}), names, trace letters and signal hooks ({@code Table}), filled by one
 * class per family ({@code IoCalls}, {@code MemoryCalls}, ...). To add a call: write a handler
 * {@code long name(Call c)} with a one-line Javadoc in its family and add its row in the family's
 * {@code register}; a negative result (or a thrown {@code io.pico.posix.core.SysError}, as
 * {@code Errno.error(n)} makes) is an errno.</li>
 * <li>{@code fs}: the synthetic {@code /proc} ({@code ProcFs}), the overlay of the core's {@code GuestFs}
 * (guest paths confined to the process root); {@code struct stat} is laid out by {@code LinuxAbi}.</li>
 * <li>Per-process state: {@link io.pico.linux.LinuxProcess}, a {@code PosixProcess} of the core (descriptors
 * over kernel handles, cwd, break, dispositions, futex queues are the core's; Linux adds its signal queues,
 * limits, timers, terminal state); per-thread: {@link io.pico.linux.LinuxThread}, a {@code PosixThread} (the
 * core's signal mask).</li>
 * </ul>
 */
package io.pico.linux;
