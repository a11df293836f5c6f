; The file, directory, thread, semaphore, memory and NLS APIs of issue 6 in one program. Each step checks its
; result and exits with the step's number when it is wrong; the program prints the current directory and a
; case-mapped word and exits 0. Imports: see the slots (NLS.7 and NLS.5 last).
bits 32
org 0x10000
        jmp near start
        align 8
DosExit:             dd 0   ; 8   DOSCALLS.234
DosWrite:            dd 0   ; 12  DOSCALLS.282
DosCreateDir:        dd 0   ; 16  DOSCALLS.270
DosSetCurrentDir:    dd 0   ; 20  DOSCALLS.255
DosQueryCurrentDir:  dd 0   ; 24  DOSCALLS.274
DosQueryCurrentDisk: dd 0   ; 28  DOSCALLS.275
DosOpen:             dd 0   ; 32  DOSCALLS.273
DosClose:            dd 0   ; 36  DOSCALLS.257
DosCopy:             dd 0   ; 40  DOSCALLS.258
DosQueryFileInfo:    dd 0   ; 44  DOSCALLS.279
DosDelete:           dd 0   ; 48  DOSCALLS.259
DosDeleteDir:        dd 0   ; 52  DOSCALLS.226
DosCreateThread:     dd 0   ; 56  DOSCALLS.311
DosKillThread:       dd 0   ; 60  DOSCALLS.111
DosWaitThread:       dd 0   ; 64  DOSCALLS.349
DosSleep:            dd 0   ; 68  DOSCALLS.229
DosCreateEventSem:   dd 0   ; 72  DOSCALLS.324
DosPostEventSem:     dd 0   ; 76  DOSCALLS.328
DosWaitEventSem:     dd 0   ; 80  DOSCALLS.329
DosResetEventSem:    dd 0   ; 84  DOSCALLS.327
DosAllocMem:         dd 0   ; 88  DOSCALLS.299
DosQueryMem:         dd 0   ; 92  DOSCALLS.306
DosSetMem:           dd 0   ; 96  DOSCALLS.305
DosFreeMem:          dd 0   ; 100 DOSCALLS.304
DosMapCase:          dd 0   ; 104 NLS.7
DosQueryCtryInfo:    dd 0   ; 108 NLS.5

%macro CHECK 1                      ; eax must be 0, else exit with the step number
        test eax, eax
        jz %%ok
        push %1
        push 1
        call [DosExit]
%%ok:
%endmacro

%macro FAIL_IF 2                    ; jcc condition, step
        j%1 %%fail
        jmp %%ok
%%fail:
        push %2
        push 1
        call [DosExit]
%%ok:
%endmacro

start:
        push 0
        push newdir
        call [DosCreateDir]         ; 1: DosCreateDir("newdir")
        add esp, 8
        CHECK 1
        push upper
        call [DosSetCurrentDir]     ; 2: DosSetCurrentDir("NEWDIR"), case-insensitive
        add esp, 4
        CHECK 2
        mov dword [len], 64
        push len
        push buf
        push 0
        call [DosQueryCurrentDir]   ; 3: the current directory of the current drive
        add esp, 12
        CHECK 3
        push map
        push disk
        call [DosQueryCurrentDisk]  ; 4: C: is drive 3
        add esp, 8
        CHECK 4
        cmp dword [disk], 3
        FAIL_IF ne, 4
        ; "cwd=" + buf + CR LF
        push written
        push 4
        push cwdtext
        push 1
        call [DosWrite]
        add esp, 16
        mov edi, buf
        xor ecx, ecx
.len:   cmp byte [edi + ecx], 0
        je .lendone
        inc ecx
        jmp .len
.lendone:
        push written
        push ecx
        push buf
        push 1
        call [DosWrite]
        add esp, 16
        push written
        push 2
        push crlf
        push 1
        call [DosWrite]
        add esp, 16
        ; 5: create a.txt with "abc"
        push 0
        push 0x42
        push 0x12
        push 0
        push 0
        push action
        push hf
        push afile
        call [DosOpen]
        add esp, 32
        CHECK 5
        push written
        push 3
        push abc
        push dword [hf]
        call [DosWrite]
        add esp, 16
        CHECK 5
        push dword [hf]
        call [DosClose]
        add esp, 4
        CHECK 5
        ; 6: DosCopy a.txt b.txt
        push 0
        push bfile
        push afile
        call [DosCopy]
        add esp, 12
        CHECK 6
        ; 7: open b.txt, DosQueryFileInfo level 1: cbFile (offset 12) is 3
        push 0
        push 0x40
        push 0x01
        push 0
        push 0
        push action
        push hf
        push bfile
        call [DosOpen]
        add esp, 32
        CHECK 7
        push 24
        push fs3
        push 1
        push dword [hf]
        call [DosQueryFileInfo]
        add esp, 16
        CHECK 7
        cmp dword [fs3 + 12], 3
        FAIL_IF ne, 7
        push dword [hf]
        call [DosClose]
        add esp, 4
        ; 8: a thread sleeping for ever, killed and waited for
        push 8192
        push 0
        push 0
        push sleeper
        push tid
        call [DosCreateThread]
        add esp, 20
        CHECK 8
        push 50
        call [DosSleep]
        add esp, 4
        push dword [tid]
        call [DosKillThread]
        add esp, 4
        CHECK 9
        push 0                      ; DCWW_WAIT
        push tid
        call [DosWaitThread]
        add esp, 8
        CHECK 10
        ; 11: an event semaphore posted, waited for, reset (post count 1)
        push 0
        push 0
        push hev
        push 0
        call [DosCreateEventSem]
        add esp, 16
        CHECK 11
        push dword [hev]
        call [DosPostEventSem]
        add esp, 4
        CHECK 11
        push 0
        push dword [hev]
        call [DosWaitEventSem]
        add esp, 8
        CHECK 11
        push count
        push dword [hev]
        call [DosResetEventSem]
        add esp, 8
        CHECK 11
        cmp dword [count], 1
        FAIL_IF ne, 11
        ; 12: memory reserved (not committed), committed with DosSetMem, written, freed
        push 3                      ; PAG_READ | PAG_WRITE, no PAG_COMMIT
        push 8192
        push block
        call [DosAllocMem]
        add esp, 12
        CHECK 12
        mov dword [size], 8192
        push flags
        push size
        push dword [block]
        call [DosQueryMem]
        add esp, 12
        CHECK 12
        test dword [flags], 0x10    ; PAG_COMMIT
        FAIL_IF nz, 12
        push 0x13                   ; PAG_COMMIT | PAG_READ | PAG_WRITE
        push 4096
        push dword [block]
        call [DosSetMem]
        add esp, 12
        CHECK 13
        mov dword [size], 4096
        push flags
        push size
        push dword [block]
        call [DosQueryMem]
        add esp, 12
        CHECK 13
        test dword [flags], 0x10
        FAIL_IF z, 13
        mov edx, [block]
        mov dword [edx], 0x12345678
        push dword [block]
        call [DosFreeMem]
        add esp, 4
        CHECK 14
        ; 15: NLS: DosMapCase("hello") is HELLO; DosQueryCtryInfo answers a country
        push word_
        push cc
        push 5
        call [DosMapCase]
        add esp, 12
        CHECK 15
        push written
        push 7
        push word_
        push 1
        call [DosWrite]
        add esp, 16
        push actual
        push ci
        push cc
        push 44
        call [DosQueryCtryInfo]
        add esp, 16
        CHECK 16
        cmp dword [ci], 0
        FAIL_IF e, 16
        ; 17: a directory with files is not deleted; emptied, it is
        push dotdot
        call [DosSetCurrentDir]
        add esp, 4
        CHECK 17
        push newdir
        call [DosDeleteDir]
        add esp, 4
        test eax, eax
        FAIL_IF z, 17
        push apath
        call [DosDelete]
        add esp, 4
        CHECK 18
        push bpath
        call [DosDelete]
        add esp, 4
        CHECK 18
        push newdir
        call [DosDeleteDir]
        add esp, 4
        CHECK 19
        push 0
        push 1
        call [DosExit]

sleeper:
        push 1000000
        call [DosSleep]
        add esp, 4
        jmp sleeper

newdir:  db "newdir", 0
upper:   db "NEWDIR", 0
dotdot:  db "..", 0
afile:   db "a.txt", 0
bfile:   db "b.txt", 0
apath:   db "NEWDIR\A.TXT", 0
bpath:   db "newdir\b.txt", 0
cwdtext: db "cwd="
crlf:    db 13, 10
abc:     db "abc"
word_:   db "hello", 13, 10
         align 4
len:     dd 0
disk:    dd 0
map:     dd 0
written: dd 0
action:  dd 0
hf:      dd 0
tid:     dd 0
hev:     dd 0
count:   dd 0
block:   dd 0
size:    dd 0
flags:   dd 0
actual:  dd 0
cc:      dd 0, 0
fs3:     times 24 db 0
ci:      times 44 db 0
buf:     times 64 db 0
