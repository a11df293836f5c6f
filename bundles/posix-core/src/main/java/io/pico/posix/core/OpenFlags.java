package io.pico.posix.core;

/**
 * A personality's open(2) flag bits, and their translation to and from the core's own flags
 * ({@link OpenFile#READ} ...), which open file descriptions keep.
 *
 * @param wronly O_WRONLY
 * @param rdwr O_RDWR
 * @param accmode O_ACCMODE
 * @param creat O_CREAT
 * @param excl O_EXCL
 * @param noctty O_NOCTTY
 * @param trunc O_TRUNC
 * @param append O_APPEND
 * @param nonblock O_NONBLOCK
 * @param directory O_DIRECTORY
 * @param nofollow O_NOFOLLOW
 * @param cloexec O_CLOEXEC
 * @param path O_PATH (0 when the personality has none)
 * @param sync O_SYNC
 * @param async O_ASYNC
 * @param direct O_DIRECT
 */
public record OpenFlags(int wronly, int rdwr, int accmode, int creat, int excl, int noctty, int trunc, int append,
        int nonblock, int directory, int nofollow, int cloexec, int path, int sync, int async, int direct) {

    /** Linux x86-64's bits. */
    public static final OpenFlags LINUX = new OpenFlags(1, 2, 3, 0100, 0200, 0400, 01000, 02000, 04000, 0200000,
            0400000, 02000000, 010000000, 04010000, 020000, 040000);

    /** FreeBSD's bits. */
    public static final OpenFlags FREEBSD = new OpenFlags(1, 2, 3, 0x200, 0x800, 0x8000, 0x400, 0x8, 0x4, 0x20000,
            0x100, 0x100000, 0x400000, 0x80, 0x40, 0x10000);

    /** The core's flags for guest flags; bits the core does not know are dropped. */
    public int toCore(int guest) {
        int acc = guest & accmode;
        int core = acc == wronly ? OpenFile.WRITE : acc == rdwr ? OpenFile.READ | OpenFile.WRITE : OpenFile.READ;
        core |= bit(guest, creat, OpenFile.CREAT) | bit(guest, excl, OpenFile.EXCL) | bit(guest, noctty, OpenFile.NOCTTY)
                | bit(guest, trunc, OpenFile.TRUNC) | bit(guest, append, OpenFile.APPEND)
                | bit(guest, nonblock, OpenFile.NONBLOCK) | bit(guest, directory, OpenFile.DIRECTORY)
                | bit(guest, nofollow, OpenFile.NOFOLLOW) | bit(guest, cloexec, OpenFile.CLOEXEC)
                | bit(guest, path, OpenFile.PATH) | bit(guest, sync, OpenFile.SYNC) | bit(guest, async, OpenFile.ASYNC)
                | bit(guest, direct, OpenFile.DIRECT);
        return core;
    }

    /** The guest's flags for core flags (F_GETFL). */
    public int toGuest(int core) {
        boolean r = (core & OpenFile.READ) != 0;
        boolean w = (core & OpenFile.WRITE) != 0;
        int guest = r && w ? rdwr : w ? wronly : 0;
        guest |= bit(core, OpenFile.CREAT, creat) | bit(core, OpenFile.EXCL, excl) | bit(core, OpenFile.NOCTTY, noctty)
                | bit(core, OpenFile.TRUNC, trunc) | bit(core, OpenFile.APPEND, append)
                | bit(core, OpenFile.NONBLOCK, nonblock) | bit(core, OpenFile.DIRECTORY, directory)
                | bit(core, OpenFile.NOFOLLOW, nofollow) | bit(core, OpenFile.CLOEXEC, cloexec)
                | bit(core, OpenFile.PATH, path) | bit(core, OpenFile.SYNC, sync) | bit(core, OpenFile.ASYNC, async)
                | bit(core, OpenFile.DIRECT, direct);
        return guest;
    }

    private static int bit(int flags, int from, int to) {
        return from != 0 && (flags & from) == from ? to : 0;
    }
}
