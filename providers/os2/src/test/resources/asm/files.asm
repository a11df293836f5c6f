%include "head.inc"
start:
        push 0                      ; peaop2
        push 0x42                   ; read-write, deny none
        push 0x12                   ; replace if it exists, create if new
        push 0                      ; attributes
        push 0                      ; size
        push action
        push handle
        push fname
        call [DosOpen]
        add esp, 32
        test eax, eax
        jnz fail
        push written
        push datalen
        push data
        push dword [handle]
        call [DosWrite]
        add esp, 16
        push pos
        push 0                      ; FILE_BEGIN
        push 0
        push dword [handle]
        call [DosSetFilePtr]
        add esp, 16
        push got
        push 100
        push buf
        push dword [handle]
        call [DosRead]
        add esp, 16
        push dword [handle]
        call [DosClose]
        add esp, 4
        push 24
        push fs3
        push 1
        push fnameupper
        call [DosQueryPathInfo]
        add esp, 16
        test eax, eax
        jnz fail
        push written
        push dword [got]
        push buf
        push 1
        call [DosWrite]
        add esp, 16
        push moved
        push fnameupper
        call [DosMove]
        add esp, 8
        test eax, eax
        jnz fail
        push moved
        call [DosDelete]
        add esp, 4
        test eax, eax
        jnz fail
        push moved
        call [DosDelete]            ; gone now: ERROR_FILE_NOT_FOUND (2)
        add esp, 4
        cmp eax, 2
        jne fail
        push dword [fs3+12]         ; exit code: the size DosQueryPathInfo saw
        push 1
        call [DosExit]
fail:
        push eax
        push 1
        call [DosExit]
handle:  dd 0
action:  dd 0
written: dd 0
got:     dd 0
pos:     dd 0
fs3:     times 24 db 0
fname:   db "sub\test.txt", 0
fnameupper: db "SUB\TEST.TXT", 0
moved:   db "sub\moved.txt", 0
data:    db "written by DosWrite", 13, 10
datalen  equ $ - data
buf:     times 100 db 0
